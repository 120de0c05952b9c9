"""Excel and CSV files of the reports, in the layout provincial offices exchange.

* XLSX (openpyxl): Vietnamese headers, a summary sheet, the detail appendix (STT, nội dung nhiệm
  vụ, văn bản giao, đơn vị chủ trì, đơn vị phối hợp, thời hạn, kết quả/tình trạng) and the
  emulation ranking; set column widths, a frozen header, dates stored as real dates shown
  dd/mm/yyyy.
* CSV: UTF-8 with a byte-order mark, so that Excel on Windows opens the diacritics correctly.
* The overdue export streams rows from one joined query: a write-only workbook or CSV chunks,
  never a query per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
DATE_FORMAT = "dd/mm/yyyy"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EC")
_WRAP = Alignment(wrap_text=True, vertical="top")

#: (key, header, width) of the summary table, in the page's order
SUMMARY_COLUMNS: list[tuple[str, str, int]] = [
    ("agency", "Đơn vị chủ trì", 36),
    ("total", "Tổng số nhiệm vụ trong kỳ", 12),
    ("done_on_time", "Hoàn thành đúng hạn", 12),
    ("done_late", "Hoàn thành quá hạn", 12),
    ("open_on_time", "Đang thực hiện trong hạn", 12),
    ("open_overdue", "Đang thực hiện quá hạn", 12),
    ("settled", "Đã đến hạn (n)", 10),
    ("completion_rate", "Tỷ lệ hoàn thành (%)", 11),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)", 11),
    ("wilson_low", "Cận dưới Wilson 95% (%)", 11),
    ("wilson_high", "Cận trên Wilson 95% (%)", 11),
    ("extended", "Được gia hạn", 10),
    ("overdue_30", "Quá hạn trên 30 ngày", 10),
    ("overdue_120", "Quá hạn trên 120 ngày", 10),
    ("stale_undated", "Không thời hạn, 3 tháng chưa báo cáo", 14),
    ("cancelled", "Dừng/hủy (không tính)", 10),
]

#: (key, header, width) of the detail appendix
DETAIL_COLUMNS: list[tuple[str, str, int]] = [
    ("stt", "STT", 6),
    ("content", "Nội dung nhiệm vụ", 60),
    ("directive", "Văn bản giao", 18),
    ("directive_issued_on", "Ngày văn bản", 12),
    ("lead_agency", "Đơn vị chủ trì", 30),
    ("co_agencies", "Đơn vị phối hợp", 30),
    ("due_on", "Thời hạn", 12),
    ("original_due_on", "Thời hạn ban đầu", 12),
    ("result", "Kết quả/tình trạng", 36),
]

RANKING_COLUMNS: list[tuple[str, str, int]] = [
    ("rank", "Xếp hạng", 9),
    ("agency", "Đơn vị chủ trì", 36),
    ("settled", "Số nhiệm vụ đã đến hạn", 12),
    ("done_on_time", "Hoàn thành đúng hạn", 12),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)", 11),
    ("wilson_low", "Điểm (cận dưới Wilson, %)", 12),
    ("wilson_high", "Cận trên Wilson (%)", 11),
]

OVERDUE_COLUMNS: list[tuple[str, str, int]] = [
    ("stt", "STT", 6),
    ("task_id", "Mã nhiệm vụ", 10),
    ("content", "Nội dung nhiệm vụ", 60),
    ("directive", "Văn bản giao", 18),
    ("directive_issued_on", "Ngày văn bản", 12),
    ("lead_agency", "Đơn vị chủ trì", 30),
    ("co_agencies", "Đơn vị phối hợp", 30),
    ("due_on", "Thời hạn", 12),
    ("days_overdue", "Số ngày quá hạn", 10),
]


def _title_rows(report: dict[str, Any]) -> list[str]:
    return [
        f"ỦY BAN NHÂN DÂN {report['province'].upper()}",
        f"Báo cáo tình hình thực hiện nhiệm vụ — {report['label']} "
        f"(từ {_vn(report['starts_on'])} đến {_vn(report['ends_on'])}), "
        f"số liệu tính đến ngày {_vn(report['as_of'])}",
    ]


def _vn(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _header(ws, row: int, columns: list[tuple[str, str, int]]) -> None:
    for col, (_key, label, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _write_row(ws, row: int, columns, values: dict[str, Any], *, bold: bool = False) -> None:
    for col, (key, _label, _width) in enumerate(columns, start=1):
        value = values.get(key)
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        if key in ("content", "co_agencies", "result", "agency", "lead_agency"):
            cell.alignment = _WRAP
        if bold:
            cell.font = _HEADER_FONT


def _titles(ws, report: dict[str, Any]) -> int:
    for row, text in enumerate(_title_rows(report), start=1):
        ws.cell(row=row, column=1, value=text).font = _HEADER_FONT
    return len(_title_rows(report)) + 2  # the header row, after a blank line


def report_xlsx(report: dict[str, Any], details: list[dict[str, Any]]) -> bytes:
    """The period report as a workbook: summary, appendix and emulation ranking."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    header_row = _titles(ws, report)
    columns = [("stt", "STT", 6), *SUMMARY_COLUMNS]
    _header(ws, header_row, columns)
    row = header_row + 1
    for number, values in enumerate(report["agencies"], start=1):
        _write_row(ws, row, columns, {"stt": number, **values})
        row += 1
    if report["small_agencies"]:
        ws.cell(
            row=row,
            column=2,
            value=f"Đơn vị có dưới {report['min_count']} nhiệm vụ đã đến hạn (không xếp hạng)",
        ).font = _HEADER_FONT
        row += 1
        for number, values in enumerate(report["small_agencies"], start=1):
            _write_row(ws, row, columns, {"stt": number, **values})
            row += 1
    _write_row(ws, row, columns, {**report["totals"], "agency": "Tổng cộng"}, bold=True)
    row += 2
    if report["empty"]:
        ws.cell(row=row, column=2, value=report["empty_reason"])
        row += 1
    ws.cell(row=row, column=2, value="Cách tính:").font = _HEADER_FONT
    for rule in report["rules"]:
        row += 1
        ws.cell(row=row, column=2, value=rule)

    detail = wb.create_sheet("Phụ lục chi tiết")
    header_row = _titles(detail, report)
    _header(detail, header_row, DETAIL_COLUMNS)
    for offset, values in enumerate(details, start=1):
        _write_row(detail, header_row + offset, DETAIL_COLUMNS, values)

    ranking = wb.create_sheet("Thi đua")
    header_row = _titles(ranking, report)
    _header(ranking, header_row, RANKING_COLUMNS)
    for offset, values in enumerate(report["ranking"], start=1):
        _write_row(ranking, header_row + offset, RANKING_COLUMNS, values)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    return value


def _csv_text(rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


def report_csv(report: dict[str, Any]) -> bytes:
    """The summary table as CSV (UTF-8 with BOM); small agencies after the ranked ones."""
    columns = [("group", "Nhóm", 0), *SUMMARY_COLUMNS]
    rows: list[list[Any]] = [[label for _k, label, _w in columns]]
    for group, items in (
        ("Xếp hạng", report["agencies"]),
        ("Ít nhiệm vụ", report["small_agencies"]),
    ):
        for values in items:
            rows.append([group if k == "group" else values.get(k) for k, _l, _w in columns])
    totals = {**report["totals"], "agency": "Tổng cộng", "group": ""}
    rows.append([totals.get(k) for k, _l, _w in columns])
    return (BOM + _csv_text(rows)).encode("utf-8")


def details_csv(details: list[dict[str, Any]]) -> bytes:
    rows = [[label for _k, label, _w in DETAIL_COLUMNS]]
    rows += [[values.get(k) for k, _l, _w in DETAIL_COLUMNS] for values in details]
    return (BOM + _csv_text(rows)).encode("utf-8")


def overdue_csv(records: Iterable[dict[str, Any]], chunk: int = 500) -> Iterator[bytes]:
    """Stream the overdue tasks as CSV chunks (the first carries the BOM and the header)."""
    batch = [[label for _k, label, _w in OVERDUE_COLUMNS]]
    first = True
    for values in records:
        batch.append([values.get(k) for k, _l, _w in OVERDUE_COLUMNS])
        if len(batch) >= chunk:
            yield ((BOM if first else "") + _csv_text(batch)).encode("utf-8")
            first, batch = False, []
    if batch or first:
        yield ((BOM if first else "") + _csv_text(batch)).encode("utf-8")


def overdue_xlsx(records: Iterable[dict[str, Any]], title: str) -> bytes:
    """The overdue tasks in a write-only workbook (constant memory per row)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhiệm vụ quá hạn")
    for col, (_key, _label, width) in enumerate(OVERDUE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = _HEADER_FONT
    ws.append([title_cell])
    ws.append([])
    header = []
    for _key, label, _width in OVERDUE_COLUMNS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    ws.append(header)
    for values in records:
        row: list[Any] = []
        for key, _label, _width in OVERDUE_COLUMNS:
            value = values.get(key)
            if isinstance(value, date):  # only dates need a styled cell (plain values are faster)
                value = WriteOnlyCell(ws, value=value)
                value.number_format = DATE_FORMAT
            row.append(value)
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
