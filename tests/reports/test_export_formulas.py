"""Text that users type comes back from every export as text, never as a formula.

A task's content `=HYPERLINK(...)`, a directive numbered `+1`, an agency named `@…` and a report
number `+1` go through the real export routes: in the XLSX they are string cells with the text as
typed, in the CSV a text cell that a spreadsheet would run as a formula starts with a quote
(OWASP "CSV Injection"). Ordinary text, numbers and dates are unchanged.
"""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.conftest import login_as
from tracker.extensions import db
from tracker.reports import exports

FORMULA = '=HYPERLINK("http://x","y")'
AGENCY = "@Ban Kiểm thử"
DIRECTIVE = "+1"
REPORT_NUMBER = "+1"
ORDINARY = "Nhiệm vụ thường"
Q3 = "year=2025&period=Q3&as_of=2025-10-05"


@pytest.fixture
def typed(app, province):
    """An agency, a directive and two tasks whose text starts like a formula (clock 25/10)."""
    with app.app_context():
        agency = factories.make_agency(AGENCY)
        directive = factories.make_directive(DIRECTIVE, issued_on=date(2025, 3, 1))
        factories.make_task(directive, agency, content=FORMULA, due_on=date(2025, 9, 1))
        done = factories.make_task(directive, agency, content=ORDINARY, due_on=date(2025, 8, 1))
        done.done_on = date(2025, 7, 30)
        done.done_report_number = REPORT_NUMBER
        db.session.commit()
    return province


def _workbook(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def _table(ws, first: str = "STT") -> tuple[list[str], list[list]]:
    """The header and the rows (cells) below it."""
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == first)
    header = [c.value for c in ws[header_row]]
    return header, [list(row) for row in ws.iter_rows(min_row=header_row + 1)]


def _csv_rows(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _no_formula_anywhere(wb) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def _assert_text(cell, text: str) -> None:
    assert (cell.data_type, cell.value) == ("s", text), cell.coordinate


def test_report_xlsx_keeps_typed_text_as_text(client, typed):
    login_as(client, typed["users"]["staff"])
    wb = _workbook(client, f"/reports/export.xlsx?{Q3}")
    _no_formula_anywhere(wb)

    header, rows = _table(wb["Phụ lục chi tiết"])
    col = {h: i for i, h in enumerate(header)}
    formula = next(r for r in rows if r[col["Nội dung nhiệm vụ"]].value == FORMULA)
    _assert_text(formula[col["Nội dung nhiệm vụ"]], FORMULA)
    _assert_text(formula[col["Văn bản giao"]], DIRECTIVE)
    _assert_text(formula[col["Đơn vị chủ trì"]], AGENCY)
    due = formula[col["Thời hạn"]]
    assert (due.data_type, due.value, due.number_format) == (
        "d",
        datetime(2025, 9, 1),
        "dd/mm/yyyy",
    )
    assert formula[col["STT"]].data_type == "n" and isinstance(formula[col["STT"]].value, int)
    ordinary = next(r for r in rows if r[col["Nội dung nhiệm vụ"]].value == ORDINARY)
    _assert_text(ordinary[col["Nội dung nhiệm vụ"]], ORDINARY)
    result = ordinary[col["Kết quả/tình trạng"]]
    assert result.data_type == "s" and result.value.endswith(f"; {REPORT_NUMBER}")

    header, rows = _table(wb["Tổng hợp"])
    col = {h: i for i, h in enumerate(header)}
    row = next(r for r in rows if r[col["Đơn vị chủ trì"]].value == AGENCY)
    _assert_text(row[col["Đơn vị chủ trì"]], AGENCY)
    total = row[col["Tổng số nhiệm vụ trong kỳ"]]
    assert (total.data_type, total.value) == ("n", 2)


def test_report_csv_quotes_text_a_spreadsheet_would_run(client, typed):
    login_as(client, typed["users"]["staff"])
    header, *rows = _csv_rows(client, f"/reports/export.csv?{Q3}&sheet=detail")
    col = {h: i for i, h in enumerate(header)}
    formula = next(r for r in rows if r[col["Nội dung nhiệm vụ"]] == "'" + FORMULA)
    assert formula[col["Văn bản giao"]] == "'" + DIRECTIVE
    assert formula[col["Đơn vị chủ trì"]] == "'" + AGENCY
    assert formula[col["Thời hạn"]] == "01/09/2025"
    assert formula[col["Ngày văn bản"]] == "01/03/2025"
    assert formula[col["STT"]].isdigit()
    ordinary = next(r for r in rows if r[col["Nội dung nhiệm vụ"]] == ORDINARY)
    assert ordinary[col["Kết quả/tình trạng"]].endswith(f"; {REPORT_NUMBER}")
    # the province's own rows are untouched
    assert any(r[col["Nội dung nhiệm vụ"]] == "Nhiệm vụ một" for r in rows)
    assert "12/CT-UBND" in {r[col["Văn bản giao"]] for r in rows}
    assert not [c for r in rows for c in r if c.startswith(exports.FORMULA_TRIGGERS)]

    title_and_table = _csv_rows(client, f"/reports/export.csv?{Q3}")
    header, *rows = title_and_table[3:]  # below the title, the period line and a blank row
    col = {h: i for i, h in enumerate(header)}
    row = next(r for r in rows if r[col["Đơn vị chủ trì"]] == "'" + AGENCY)
    assert row[col["Tổng số nhiệm vụ trong kỳ"]] == "2"
    assert any(r[col["Đơn vị chủ trì"]] == "Sở Tài chính" for r in rows)


def test_overdue_exports_keep_typed_text_as_text(client, typed):
    login_as(client, typed["users"]["staff"])
    wb = _workbook(client, "/reports/overdue.xlsx")
    _no_formula_anywhere(wb)
    header, rows = _table(wb["Nhiệm vụ quá hạn"])
    col = {h: i for i, h in enumerate(header)}
    row = next(r for r in rows if r[col["Nội dung nhiệm vụ"]].value == FORMULA)
    _assert_text(row[col["Nội dung nhiệm vụ"]], FORMULA)
    _assert_text(row[col["Văn bản giao"]], DIRECTIVE)
    _assert_text(row[col["Đơn vị chủ trì"]], AGENCY)
    days = row[col["Số ngày quá hạn"]]
    assert (days.data_type, days.value) == ("n", 54)  # 01/09 → 25/10/2025

    header, *rows = _csv_rows(client, "/reports/overdue.csv")
    col = {h: i for i, h in enumerate(header)}
    row = next(r for r in rows if r[col["Nội dung nhiệm vụ"]] == "'" + FORMULA)
    assert row[col["Văn bản giao"]] == "'" + DIRECTIVE
    assert row[col["Đơn vị chủ trì"]] == "'" + AGENCY
    assert (row[col["Thời hạn"]], row[col["Số ngày quá hạn"]]) == ("01/09/2025", "54")


def _overdue_record(**values) -> dict:
    return {
        "stt": 1,
        "task_id": 7,
        "content": ORDINARY,
        "directive": "12/CT-UBND",
        "directive_issued_on": date(2025, 3, 1),
        "lead_agency": "Sở Y tế",
        "co_agencies": "",
        "due_on": date(2025, 9, 1),
        "days_overdue": 3,
        **values,
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_quotes_each_formula_start_in_text_only(start):
    record = _overdue_record(content=f"{start}1+2", directive="-5", days_overdue=-5)
    text = b"".join(exports.overdue_csv([record])).decode("utf-8-sig")
    _header, row = list(csv.reader(io.StringIO(text, newline="")))
    assert row[2] == f"'{start}1+2"
    assert row[3] == "'-5"  # text that looks like a negative number is still text
    assert row[8] == "-5"  # a number the report computed stays a number


def test_xlsx_text_that_openpyxl_would_type_stays_a_string():
    records = [
        _overdue_record(content="#N/A", directive="=1+1", days_overdue=-5),
        _overdue_record(stt=2, content="=SUM(A1:A2)", co_agencies="=A1"),
    ]
    ws = load_workbook(io.BytesIO(exports.overdue_xlsx(records, "=tiêu đề")))["Nhiệm vụ quá hạn"]
    _assert_text(ws["A1"], "=tiêu đề")
    _assert_text(ws["C4"], "#N/A")
    _assert_text(ws["D4"], "=1+1")
    assert (ws["I4"].data_type, ws["I4"].value) == ("n", -5)
    _assert_text(ws["C5"], "=SUM(A1:A2)")
    _assert_text(ws["G5"], "=A1")
    assert ws["G4"].value is None  # an empty text is still an empty cell
