"""Excel and CSV files of the reports, in the layout provincial offices exchange.

* XLSX (openpyxl): Vietnamese headers, a summary sheet, the detail appendix (STT, nội dung nhiệm
  vụ, văn bản giao, đơn vị chủ trì, đơn vị phối hợp, thời hạn, kết quả/tình trạng) and the
  emulation ranking; set column widths, a frozen header, dates stored as real dates shown
  dd/mm/yyyy.
* CSV: UTF-8 with a byte-order mark, so that Excel on Windows opens the diacritics correctly.
  Two variants: the standard one (comma, decimal point) for tools, and one for Excel on a
  Vietnamese Windows (`excel_vn`: the list separator ";" and the decimal comma of its regional
  settings), which a double-click opens in columns.
* Every workbook is write-only (openpyxl streams its rows to the file, nothing kept per cell):
  the period report's appendix has ~63k rows for a year at 100k tasks. The overdue export
  streams rows from one joined query into it or into CSV chunks, never a query per row.
* Text is data, never a formula: task contents, directive and report numbers, agency names are
  typed by users, and a spreadsheet runs a cell that starts with "=" (CSV/formula injection,
  OWASP "CSV Injection"). Every text value goes through `set_cell_value` (XLSX) or
  `csv_safe_text` (CSV).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

BOM = "\ufeff"
DATE_FORMAT = "dd/mm/yyyy"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EC")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: numbers and dates at the top of a tall row, beside the first line of its text
_TOP = Alignment(vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
#: the columns of long text, wrapped in their cells
_WRAPPED = frozenset({"content", "co_agencies", "result", "agency", "lead_agency"})

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
    # which obligation of the task is overdue: "Báo cáo tháng 7/2025", "Báo cáo tổng hợp của Sở
    # Nội vụ" (the via agency's own deadline); empty for the task's own deadline (issue 12)
    ("obligation", "Kỳ báo cáo", 30),
]


#: what makes Excel or LibreOffice read a CSV cell as a formula or a command (OWASP)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def set_cell_value(cell: Cell, value: Any) -> Cell:
    """Put ``value`` in ``cell``, a ``str`` always as a string cell, and return the cell.

    openpyxl infers a cell's type from its value: a ``str`` starting with "=" becomes a formula
    and one such as "#N/A" an error. The exports' text is typed by users (a task's content, a
    directive number, an agency name), so ``=HYPERLINK(...)`` in a task would run in Excel when
    an officer opens the export. Forced to "s", the cell shows the text as it was typed; numbers
    and dates keep their types. The type is set after every assignment, since each assignment
    infers it again (the sheets reuse one cell per column).
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def csv_safe_text(value: str) -> str:
    """Text for a CSV cell, with a leading ``'`` when a spreadsheet would run it as a formula.

    A CSV file has no cell types: Excel and LibreOffice run a cell starting with =, +, -, @
    (or a tab or carriage return before one) as a formula, and the exported text is typed by
    users. The quote is OWASP's recommendation: Excel hides it and shows the text. Only text
    passes here: the numbers the reports compute stay numbers, however negative.
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _title_rows(report: dict[str, Any]) -> list[str]:
    return [
        f"ỦY BAN NHÂN DÂN {report['province'].upper()}",
        f"Báo cáo tình hình thực hiện nhiệm vụ — {report['label']} "
        f"(từ {_vn(report['starts_on'])} đến {_vn(report['ends_on'])}), "
        f"số liệu tính đến ngày {_vn(report['as_of'])}",
    ]


def _vn(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


#: Excel's default row height in points (one line of Calibri 11), and its largest row height
LINE_POINTS = 15.0
MAX_ROW_POINTS = 409.0
#: number formats: a rate with one decimal ("16.7", "25.0"), a count as a whole number
RATE_FORMAT = "0.0"
COUNT_FORMAT = "0"
#: the sheets print on A4 landscape with these margins (inches, as Excel stores them)
_MARGINS = PageMargins(left=0.4, right=0.4, top=0.55, bottom=0.6, header=0.25, footer=0.3)


def is_rate(key: str) -> bool:
    """Columns holding a percentage, shown with one decimal."""
    return key.endswith("_rate") or key.startswith("wilson")


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide.

    LibreOffice does not fit a row's height to its wrapped text when it opens a file (and
    Excel only when a cell is edited): the rows must carry their heights, or long task texts
    are drawn over each other and cut off in print. Words wrap greedily, as the spreadsheet
    does, in a line a little narrower than the column (Vietnamese letters with diacritics and
    the cell's padding), so that the estimate errs on the tall side.
    """
    capacity = max(1, int(width * 0.95) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        current = 0
        lines += 1
        for word in paragraph.split():
            size = len(word)
            while size > capacity:  # a word longer than the line breaks anywhere
                if current:
                    lines += 1
                lines += size // capacity - (1 if size % capacity == 0 else 0)
                size = size % capacity or capacity
                current = 0
            if current and current + 1 + size > capacity:
                lines += 1
                current = size
            else:
                current += (1 if current else 0) + size
    return lines


def row_height(lines: int) -> float:
    """Points for ``lines`` lines of text, within Excel's limit."""
    return min(MAX_ROW_POINTS, LINE_POINTS * max(1, lines) + 2)


class _Sheet:
    """A write-only worksheet: its titles and header row, then rows streamed to the file.

    A write-only workbook writes each row when it is appended and keeps nothing per cell (the
    period report's appendix has ~63k rows at 100k tasks). Column widths, the frozen header and
    the page setup are set before the first row, as write-only sheets require; each row's
    height is set just before it is written. Since a row is written before `append` returns,
    one styled cell per column and style (a date shown dd/mm/yyyy, a rate with one decimal,
    wrapped text, bold) takes each row's value in turn, instead of a cell being created and
    styled for every value — openpyxl reuses its own unstyled cell the same way. Text goes
    through such a cell too, even unstyled, so that `set_cell_value` keeps it a string rather
    than a formula.

    Printed, every sheet is A4 landscape, one page wide (as many pages tall as the rows
    need), the header row repeated on each page, the pages numbered; the table has an
    autofilter (`finish`).
    """

    def __init__(
        self,
        wb: Workbook,
        name: str,
        columns: list[tuple[str, str, int]],
        titles: list[str],
        *,
        wrapped: frozenset[str] = frozenset(),
        header_align: Alignment | None = None,
    ):
        self.ws = wb.create_sheet(name)
        self.columns = columns
        self.wrapped = wrapped
        self.rows = 0
        self._cells: dict[tuple[int, bool, bool, bool, bool], Cell] = {}
        for col, (_key, _label, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.header_row = len(titles) + 2  # the titles, a blank row, the header
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        self._page_setup()
        for text in titles:
            self.wide(text, bold=True)
        self.append([])
        header = [
            self.cell(label, bold=True, align=header_align or _CENTER) for _k, label, _w in columns
        ]
        for cell in header:
            cell.fill = _HEADER_FILL
        lines = max(wrapped_lines(label, width) for _k, label, width in columns)
        self.append(header, height=row_height(lines))
        self.last_table_row = self.header_row

    def _page_setup(self) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins = _MARGINS
        ws.print_options.horizontalCentered = True
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.HeaderFooter.oddFooter.center.text = "Trang &P/&N"

    def cell(self, value: Any, *, bold: bool = False, align: Alignment | None = None) -> Cell:
        """A new styled cell, for the few cells of a sheet that are not table rows."""
        cell = set_cell_value(WriteOnlyCell(self.ws), value)
        if bold:
            cell.font = _HEADER_FONT
        if align is not None:
            cell.alignment = align
        return cell

    def wide(self, text: str, *, bold: bool = False, first: int = 1) -> None:
        """A line of text across the table (a title, a note): merged from column ``first`` to
        the last and wrapped, so that it prints inside the page instead of running past the
        table's right edge, where printing cuts it."""
        width = sum(w for _k, _l, w in self.columns[first - 1 :])
        cell = self.cell(text, bold=bold, align=_WRAP)
        self.append([None] * (first - 1) + [cell], height=row_height(wrapped_lines(text, width)))
        if first < len(self.columns):
            last = get_column_letter(len(self.columns))
            self.ws.merged_cells.add(f"{get_column_letter(first)}{self.rows}:{last}{self.rows}")

    def append(self, values: list[Any], *, height: float | None = None) -> None:
        """One row as given; its bare text in new cells, as text (see `set_cell_value`)."""
        self.rows += 1
        if height is not None:
            self.ws.row_dimensions[self.rows].height = height
        self.ws.append([self.cell(v) if isinstance(v, str) else v for v in values])

    def row(self, values: dict[str, Any], *, bold: bool = False) -> None:
        """One table row: dates as real dates shown dd/mm/yyyy, rates with one decimal and
        counts as whole numbers, long text wrapped (the row as tall as its longest text),
        text as text."""
        out: list[Any] = []
        lines = 1
        for col, (key, _label, width) in enumerate(self.columns):
            value = values.get(key)
            is_date, wrap = isinstance(value, date), key in self.wrapped
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if wrap and value is not None:
                lines = max(lines, wrapped_lines(str(value), width))
            if value is not None and (is_date or wrap or bold or number or isinstance(value, str)):
                style = (col, is_date, wrap, bold, number)
                cell = self._cells.get(style)
                if cell is None:
                    cell = self._cells[style] = self.cell(
                        None, bold=bold, align=_WRAP if wrap else _TOP
                    )
                    if is_date:
                        cell.number_format = DATE_FORMAT
                    elif is_rate(key):
                        cell.number_format = RATE_FORMAT
                    elif number:
                        cell.number_format = COUNT_FORMAT
                value = set_cell_value(cell, value)
            out.append(value)
        self.append(out, height=row_height(lines) if lines > 1 else None)
        self.last_table_row = self.rows

    def finish(self) -> None:
        """The autofilter over the header and the table's rows (set before the file is saved:
        a write-only sheet writes it after its rows)."""
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = (
            f"A{self.header_row}:{last}{max(self.last_table_row, self.header_row)}"
        )


def report_xlsx(report: dict[str, Any], details: Iterable[dict[str, Any]]) -> bytes:
    """The period report as a write-only workbook: summary, appendix and emulation ranking."""
    wb = Workbook(write_only=True)
    titles = _title_rows(report)

    columns = [("stt", "STT", 6), *SUMMARY_COLUMNS]
    summary = _Sheet(wb, "Tổng hợp", columns, titles, wrapped=_WRAPPED, header_align=_CENTER)
    for number, values in enumerate(report["agencies"], start=1):
        summary.row({"stt": number, **values})
    if report["small_agencies"]:
        heading = f"Đơn vị có dưới {report['min_count']} nhiệm vụ đã đến hạn (không xếp hạng)"
        summary.wide(heading, bold=True, first=2)
        for number, values in enumerate(report["small_agencies"], start=1):
            summary.row({"stt": number, **values})
    summary.row({**report["totals"], "agency": "Tổng cộng"}, bold=True)
    summary.finish()
    summary.append([])
    if report["empty"]:
        summary.wide(report["empty_reason"], first=2)
    summary.wide("Cách tính:", bold=True, first=2)
    for rule in report["rules"]:
        summary.wide(rule, first=2)

    detail = _Sheet(
        wb, "Phụ lục chi tiết", DETAIL_COLUMNS, titles, wrapped=_WRAPPED, header_align=_CENTER
    )
    for values in details:
        detail.row(_with_signature(values))
    detail.finish()

    ranking = _Sheet(wb, "Thi đua", RANKING_COLUMNS, titles, wrapped=_WRAPPED, header_align=_CENTER)
    for values in report["ranking"]:
        ranking.row(values)
    ranking.finish()

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv_value(value: Any, excel_vn: bool = False) -> Any:
    """A CSV cell: a date dd/mm/yyyy, text made safe (`csv_safe_text`), a number as it is —
    with a decimal comma for Excel on a Vietnamese Windows, which reads "16.7" as text."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe_text(value)
    if excel_vn and isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


def _csv_text(rows: Iterable[list[Any]], excel_vn: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel_vn else ",")
    for row in rows:
        writer.writerow([_csv_value(v, excel_vn) for v in row])
    return out.getvalue()


def report_csv(report: dict[str, Any], *, excel_vn: bool = False) -> bytes:
    """The summary table as CSV (UTF-8 with BOM) under its title, period and as-of day (a
    file passed on alone still says what it counts); small agencies after the ranked ones."""
    columns = [("group", "Nhóm", 0), *SUMMARY_COLUMNS]
    rows: list[list[Any]] = [[text] for text in _title_rows(report)]
    rows.append([])
    rows.append([label for _k, label, _w in columns])
    for group, items in (
        ("Xếp hạng", report["agencies"]),
        ("Ít nhiệm vụ", report["small_agencies"]),
    ):
        for values in items:
            rows.append([group if k == "group" else values.get(k) for k, _l, _w in columns])
    totals = {**report["totals"], "agency": "Tổng cộng", "group": ""}
    rows.append([totals.get(k) for k, _l, _w in columns])
    return (BOM + _csv_text(rows, excel_vn)).encode("utf-8")


def _with_signature(values: dict[str, Any]) -> dict[str, Any]:
    """The item's result followed by its completion report's signature, in the same cell (the
    offices' appendix layout has no column of its own for it)."""
    text = values.get("signature_text")
    if not text:
        return values
    return {**values, "result": f"{values.get('result') or ''}\n{text}".strip()}


def details_csv(details: list[dict[str, Any]], *, excel_vn: bool = False) -> bytes:
    rows = [[label for _k, label, _w in DETAIL_COLUMNS]]
    rows += [[_with_signature(values).get(k) for k, _l, _w in DETAIL_COLUMNS] for values in details]
    return (BOM + _csv_text(rows, excel_vn)).encode("utf-8")


def overdue_csv(
    records: Iterable[dict[str, Any]], chunk: int = 500, *, excel_vn: bool = False
) -> Iterator[bytes]:
    """Stream the overdue tasks as CSV chunks (the first carries the BOM and the header)."""
    batch = [[label for _k, label, _w in OVERDUE_COLUMNS]]
    first = True
    for values in records:
        batch.append([values.get(k) for k, _l, _w in OVERDUE_COLUMNS])
        if len(batch) >= chunk:
            yield ((BOM if first else "") + _csv_text(batch, excel_vn)).encode("utf-8")
            first, batch = False, []
    if batch or first:
        yield ((BOM if first else "") + _csv_text(batch, excel_vn)).encode("utf-8")


def overdue_xlsx(records: Iterable[dict[str, Any]], title: str) -> bytes:
    """The overdue tasks in a write-only workbook (constant memory per row).

    Long text is wrapped and each row as tall as it; dates, numbers and text go through the
    sheet's reused cells.
    """
    wb = Workbook(write_only=True)
    sheet = _Sheet(wb, "Nhiệm vụ quá hạn", OVERDUE_COLUMNS, [title], wrapped=_WRAPPED)
    for values in records:
        sheet.row(values)
    sheet.finish()
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
