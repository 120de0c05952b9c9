"""Read an index register from XLSX (or CSV) and check every row before anything is saved.

Columns (a header row, Vietnamese or English names): Chỉ số (index: "PAR Index", "PAPI", …;
empty = the row above's), Mã (code: "1", "1.2", "1.2.3"), Tên (name), Điểm tối đa
(max points), Cơ quan theo dõi (the agency that tracks it; empty = its parent's). The file
checks (ZIP bombs, rows, columns, cell length) are the agency import's
(`tracker.agencies.importer.read_table`, `tracker.files.limits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from tracker.agencies.importer import ImportFormatError, RowError, read_table
from tracker.indexes.rules import MAX_POINTS, index_code, normal_code, parent_code
from tracker.targets.rules import read_number

__all__ = ["CriterionRow", "ImportFormatError", "RowError", "read_register"]

_COLUMNS = {
    "index": ("chi_so", "index", "bo_chi_so"),
    "code": ("ma", "code", "ma_tieu_chi", "stt"),
    "name": ("ten", "name", "ten_tieu_chi", "noi_dung", "linh_vuc,_tieu_chi"),
    "max_points": ("diem_toi_da", "max_points", "diem"),
    "agency": ("co_quan_theo_doi", "agency", "co_quan", "don_vi_theo_doi"),
}


@dataclass
class CriterionRow:
    line: int
    index: str
    code: str
    name: str
    max_points: Decimal
    agency: str | None
    agency_id: int | None = None


def _pick(row: dict[str, str], key: str) -> str:
    for name in _COLUMNS[key]:
        if row.get(name):
            return row[name].strip()
    return ""


def _require(header: list[str]) -> None:
    missing = [
        label
        for key, label in (("code", "Mã"), ("name", "Tên"), ("max_points", "Điểm tối đa"))
        if not any(name in header for name in _COLUMNS[key])
    ]
    if missing:
        raise ImportFormatError(
            _(
                "Dòng tiêu đề (dòng 1) thiếu cột: %(columns)s. Các cột cần có: Chỉ số, Mã, Tên, "
                "Điểm tối đa, Cơ quan theo dõi.",
                columns=", ".join(missing),
            )
        )


def read_register(
    filename: str, data: bytes, find_agency
) -> tuple[list[CriterionRow], list[RowError]]:
    """The rows of the file and every row's problem (with its line); `find_agency(name)`
    returns an agency's id or None. ImportFormatError when the file as a whole is unreadable."""
    table = read_table(filename, data, required=_require)
    rows: list[CriterionRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], CriterionRow] = {}
    index = ""
    for line, raw in table:
        problems = []
        written_index = _pick(raw, "index")
        if written_index:
            code_of_index = index_code(written_index)
            if code_of_index is None:
                problems.append(
                    _(
                        "không biết chỉ số “%(name)s” (dùng PAR Index, PAPI, SIPAS, DTI hoặc PCI)",
                        name=written_index[:60],
                    )
                )
            else:
                index = code_of_index
        elif not index:
            problems.append(_("thiếu tên chỉ số (cột Chỉ số)"))
        code = normal_code(_pick(raw, "code"))
        if code is None:
            problems.append(
                _("mã “%(code)s” không đúng dạng 1, 1.2 hoặc 1.2.3", code=_pick(raw, "code")[:30])
            )
        name = _pick(raw, "name")
        if not name:
            problems.append(_("thiếu tên lĩnh vực, tiêu chí"))
        written_points = _pick(raw, "max_points")
        points = read_number(written_points)
        if points is None or points > MAX_POINTS:
            problems.append(
                _("điểm tối đa “%(value)s” không phải số từ 0 đến 1000", value=written_points[:20])
                if written_points
                else _("thiếu điểm tối đa")
            )
        agency_name = _pick(raw, "agency") or None
        agency_id = None
        if agency_name:
            agency_id = find_agency(agency_name)
            if agency_id is None:
                problems.append(
                    _("không tìm thấy cơ quan “%(name)s” trong danh mục", name=agency_name[:80])
                )
        if code and index:
            earlier = seen.get((index, code))
            if earlier is not None:
                problems.append(
                    _("trùng mã %(code)s với dòng %(line)s", code=code, line=earlier.line)
                )
            parent = parent_code(code)
            if parent and (index, parent) not in seen:
                problems.append(
                    _("mã %(code)s cần dòng của mã %(parent)s ở trên", code=code, parent=parent)
                )
        if problems:
            errors.append(
                RowError(line, _("Dòng %(line)s: ", line=line) + "; ".join(problems) + ".")
            )
            continue
        assert code is not None and points is not None
        row = CriterionRow(line, index, code, name, points, agency_name, agency_id)
        parent = parent_code(code)
        if row.agency_id is None and parent:
            row.agency_id = seen[(index, parent)].agency_id  # the lĩnh vực's agency
        seen[(index, code)] = row
        rows.append(row)
    errors.extend(_over_budget(rows))
    if not rows and not errors:
        errors.append(RowError(1, _("Tệp không có dòng tiêu chí nào.")))
    return rows, sorted(errors, key=lambda e: e.line)


def _over_budget(rows: list[CriterionRow]) -> list[RowError]:
    """A parent whose children carry more points than it may earn (a typing slip)."""
    by_key = {(r.index, r.code): r for r in rows}
    sums: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        parent = parent_code(r.code)
        if parent:
            sums[(r.index, parent)] = sums.get((r.index, parent), Decimal(0)) + r.max_points
    out = []
    for key, total in sums.items():
        parent_row = by_key[key]
        if total > parent_row.max_points:
            out.append(
                RowError(
                    parent_row.line,
                    _(
                        "Dòng %(line)s: các tiêu chí của mã %(code)s cộng lại %(total)s điểm, "
                        "vượt điểm tối đa %(max)s.",
                        line=parent_row.line,
                        code=parent_row.code,
                        total=_num(total),
                        max=_num(parent_row.max_points),
                    ),
                )
            )
    return out


def _num(value: Decimal) -> str:
    from tracker.targets.rules import format_quantity

    return format_quantity(value)
