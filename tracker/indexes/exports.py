"""The register report as XLSX: one row per criterion, per index or per lĩnh vực."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tracker.reports.exports import set_cell_value


def _n(value: Any) -> Any:
    return float(value) if value is not None else None


def report_xlsx(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = report["index"].code[:30]
    title = report["index"].name
    if report["root"] is not None:
        title += " — " + str(report["root"])
    ws.append([])
    set_cell_value(ws.cell(1, 1), title).font = Font(bold=True, size=13)
    ws.append([])
    set_cell_value(
        ws.cell(2, 1),
        _("Năm %(year)s, đến hết quý %(q)s", year=report["year"], q=report["quarter"]),
    )
    result = report["result"]
    if result is not None and result.rank:
        set_cell_value(
            ws.cell(3, 1), _("Xếp hạng %(rank)s/%(of)s", rank=result.rank, of=result.rank_of or "")
        )
    header = [
        _("Mã"),
        _("Lĩnh vực, tiêu chí"),
        _("Cơ quan theo dõi"),
        _("Điểm tối đa"),
        _("Điểm đạt"),
        _("Điểm bị trừ"),
        _("Kết quả"),
        _("Lý do"),
        _("Năm trước"),
        _("Tăng/giảm"),
        _("Nhiệm vụ liên quan"),
    ]
    ws.append([])
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for line in report["lines"]:
        c = line["criterion"]
        latest = line["latest"]
        if latest is None:
            state = ""
        elif latest.met:
            state = _("Đạt")
        else:
            state = _("Chưa đạt") + (" (" + _("khách quan") + ")" if latest.objective else "")
        row = [
            c.code,
            c.name,
            c.agency.name if c.agency else "",
            _n(c.max_points),
            _n(line["points"]),
            _n(line["node"].lost) if line["assessed"] else None,
            state,
            (latest.reason or "") if latest else "",
            _n(line["previous"]),
            _n(line["change"]),
            "; ".join(f"#{t.id} {t.content[:80]}" for t in line["tasks"]),
        ]
        ws.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            set_cell_value(ws.cell(ws.max_row, column), value)
    ws.append([])
    total = ws.max_row + 1
    set_cell_value(ws.cell(total, 2), _("Tổng cộng")).font = Font(bold=True)
    set_cell_value(ws.cell(total, 4), _n(report["total_max"]))
    set_cell_value(ws.cell(total, 5), _n(report["total_points"]))
    set_cell_value(ws.cell(total, 6), _n(report["total_lost"]))
    for letter, width in zip(
        "ABCDEFGHIJK", (8, 60, 28, 10, 10, 10, 14, 40, 10, 10, 50), strict=True
    ):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
