"""Property tests: the date parser, the date field and the agency importer never crash; any
text typed into a task comes back from the exports as that text, never as a formula.

(The extractor's own properties are in tests/extraction/test_extraction_properties.py.) Example
counts are bounded so the suite stays fast.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import MultiDict

from tracker.agencies.importer import (
    COLUMNS,
    AgencyRow,
    ImportFormatError,
    RowError,
    read_table,
    validate_rows,
)
from tracker.forms import VNDateField
from tracker.i18n import MAX_YEAR, MIN_YEAR, parse_date
from tracker.reports.exports import FORMULA_TRIGGERS, overdue_csv, overdue_xlsx

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

date_like = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda d, m, y, sep: f"{d}{sep}{m}{sep}{y}",
        st.integers(-5, 40),
        st.integers(-2, 14),
        st.integers(-1, 12000),
        st.sampled_from(["/", "-", ".", " ", "//", ""]),
    ),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(date.isoformat),
)


@FAST
@given(date_like)
def test_parse_date_returns_a_date_or_raises_value_error(text):
    try:
        result = parse_date(text)
    except ValueError:
        return
    assert result is None or isinstance(result, date)
    if result is None:
        assert not text.strip()


@FAST
@given(st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)))
def test_parse_date_reads_back_what_is_shown(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.isoformat()) == day


@pytest.mark.parametrize("typo", ["15.08.0025", "01/01/0001", "31/12/9999", "15/08/25"])
def test_a_year_out_of_this_era_is_refused(typo):
    with pytest.raises(ValueError):
        parse_date(typo)


class _DateForm:
    """A bare WTForms form with one VNDateField (no Flask request needed)."""

    @staticmethod
    def make(value: str):
        from wtforms import Form

        class F(Form):
            day = VNDateField("Ngày")

        return F(formdata=MultiDict({"day": value}))


@FAST
@given(date_like)
def test_vn_date_field_never_crashes_and_keeps_what_was_typed(text):
    form = _DateForm.make(text)
    valid = form.validate()
    if valid:
        assert form.day.data is None or isinstance(form.day.data, date)
    else:
        assert "không hợp lệ" in form.day.errors[0]
        assert form.day.data is None
    assert form.day._value() == text  # re-rendered as typed


cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "Sở Tài chính",
            "sotaichinh@tinh.gov.vn",
            "a@b; c@d",
            "not-an-email",
            "department",
            "xã",
            "Sở KH&ĐT|Sở Kế hoạch và Đầu tư",
            "",
            "=1+1",
            "\x00",
        ]
    ),
)
header = st.lists(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=10)), min_size=0, max_size=8)


def _csv_bytes(head, rows, encoding) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def _check(rows) -> None:
    good, errors = validate_rows(rows, {"so tai chinh"})
    assert all(isinstance(g, AgencyRow) for g in good)
    assert all(isinstance(e, RowError) and e.message for e in errors)
    assert len(good) + len(errors) <= len(rows)


@FAST
@given(
    header,
    st.lists(st.lists(cell, max_size=9), max_size=6),
    st.sampled_from(["utf-8", "cp1258", "utf-16"]),
)
def test_csv_import_never_crashes(head, rows, encoding):
    try:
        table = read_table("coquan.csv", _csv_bytes(head, rows, encoding))
    except ImportFormatError as error:
        assert str(error)
        return
    _check(table)


@settings(max_examples=40, deadline=None)
@given(header, st.lists(st.lists(cell, max_size=9), max_size=5))
def test_xlsx_import_never_crashes(head, rows):
    book = Workbook()
    sheet = book.active
    buffer = io.BytesIO()
    try:
        sheet.append(head)
        for row in rows:
            sheet.append(row)
        book.save(buffer)
    except Exception:  # openpyxl refuses control characters itself: no such file can exist
        return
    try:
        table = read_table("coquan.xlsx", buffer.getvalue())
    except ImportFormatError as error:
        assert str(error)
        return
    _check(table)


@FAST
@given(st.binary(max_size=400), st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.xls", "a"]))
def test_any_bytes_are_read_or_refused_with_a_message(data, name):
    try:
        table = read_table(name, data)
    except ImportFormatError as error:
        assert str(error)
        return
    _check(table)


def test_csv_with_old_mac_line_endings_is_read():
    """Excel's "CSV (Macintosh)" ends lines with a lone \\r: it used to crash the import."""
    data = "name,email\rSở Y tế,soyte@tinh.gov.vn\rSở Xây dựng,soxaydung@tinh.gov.vn\r"
    table = read_table("coquan.csv", data.encode("utf-8"))
    assert [values["name"] for _, values in table] == ["Sở Y tế", "Sở Xây dựng"]


#: what a user can type that a workbook can hold: no other control character (openpyxl refuses
#: them), no lone \r (XML reads it back as \n); often starting like a formula
typed_text = st.builds(
    str.__add__,
    st.sampled_from(["", "=", "+", "-", "@", "\t", "#", "=HYPERLINK(", "-1", "'"]),
    st.text(
        st.characters(exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n"),
        max_size=30,
    ),
).filter(bool)


def _overdue_record(content: str) -> dict:
    return {
        "stt": 1,
        "task_id": 1,
        "content": content,
        "directive": content,
        "lead_agency": "Sở Y tế",
        "due_on": date(2025, 8, 1),
        "days_overdue": -1,
    }


@FAST
@given(typed_text, st.sampled_from(["", "\r"]))
def test_exported_text_reads_back_as_typed(text, cr):
    ws = load_workbook(io.BytesIO(overdue_xlsx([_overdue_record(text)], "t"))).active
    assert [(c.data_type, c.value) for c in (ws["C4"], ws["D4"])] == [("s", text)] * 2
    assert (ws["I4"].data_type, ws["I4"].value) == ("n", -1)

    text = cr + text  # a CSV holds a leading \r too
    data = b"".join(overdue_csv([_overdue_record(text)])).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(data, newline="")))[1]
    assert row[2] == ("'" + text if text.startswith(FORMULA_TRIGGERS) else text)
    assert row[8] == "-1"
