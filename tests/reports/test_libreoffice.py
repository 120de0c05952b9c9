"""Every XLSX export, opened by a real spreadsheet: LibreOffice converts it to PDF, as an
officer printing it would, and the PDF is read back with poppler.

The province is the demo (5016/TB-VPUBND and the directives dated from the tests' clock,
18/08/2025) plus a task with a long text. For each export:

* every page is A4 landscape and starts with the table's header row (print titles), whose
  first column is on every page: the table is one page wide, never split by columns;
* the page count is what the rows need: at least one page per sheet, at most what the rows'
  heights fill at the scale that fits the columns on one page width;
* every task text appears whole in the PDF's text. LibreOffice clips a wrapped text to its
  row's height, and clipped lines are not in the PDF at all: a row too short loses them.
  `pdftotext` reads line by line, so a neighbouring cell's words (STT, the directive's
  number) may come between a text's lines: a text is whole when all its words follow each
  other in order, within a short window, in the PDF's words (whitespace normalised).

`make test` installs LibreOffice (libreoffice-calc-nogui) and poppler-utils; when they are
missing the tests fail, never skip. The PDFs go to test-artifacts/libreoffice/.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests import factories
from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reports.exports import LINE_POINTS
from tracker.tasks.models import Task

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "libreoffice"

LONG_TEXT = (
    "Chủ trì, phối hợp với các sở, ngành, UBND các xã, phường rà soát toàn bộ các dự án đầu "
    "tư sử dụng vốn ngoài ngân sách chậm tiến độ, dự án có dấu hiệu vi phạm pháp luật về đất "
    "đai, đầu tư, xây dựng, môi trường; phân loại theo từng nhóm nguyên nhân (vướng mắc về "
    "giải phóng mặt bằng, về thủ tục đầu tư, về năng lực tài chính của nhà đầu tư, về quy "
    "hoạch); đề xuất cụ thể phương án xử lý đối với từng dự án: tiếp tục thực hiện, điều "
    "chỉnh tiến độ, chấm dứt hoạt động hoặc thu hồi; tổng hợp, báo cáo Chủ tịch UBND tỉnh "
    "kết quả thực hiện trước khi trình Ban Thường vụ Tỉnh ủy xem xét, cho ý kiến."
)
#: A4 landscape in points, and the printable area inside the export's margins
A4_LANDSCAPE = (841.89, 595.28)
PRINTABLE = (A4_LANDSCAPE[0] - 0.8 * 72, A4_LANDSCAPE[1] - 1.15 * 72)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is missing: `make test` installs libreoffice-calc-nogui and poppler-utils "
            "(apt-get install libreoffice-calc-nogui poppler-utils)"
        )
    return path


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory) -> str:
    """A private LibreOffice profile: no clash with a desktop session or another test run."""
    return (tmp_path_factory.mktemp("lo-profile")).as_uri()


def to_pdf(xlsx: Path, profile: str) -> Path:
    """Convert with LibreOffice headless, as `soffice --convert-to pdf` on a desk would."""
    subprocess.run(
        [
            _tool("soffice"),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(xlsx.parent),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = xlsx.with_suffix(".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF of {xlsx.name}"
    return pdf


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))
    out = _run("pdfinfo", "-f", "1", "-l", str(pages), str(pdf))
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)
    ]


def page_text(pdf: Path, page: int) -> str:
    return _run(_tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


def whole_text(pdf: Path) -> str:
    return " ".join(_run(_tool("pdftotext"), str(pdf), "-").split())


def appears_whole(content: str, words: list[str]) -> bool:
    """All of ``content``'s words in order within a window of the PDF's words (other cells'
    words may come between its lines, a clipped line's words are missing)."""
    wanted = content.split()
    window = 2 * len(wanted) + 12
    for start, word in enumerate(words):
        if word != wanted[0]:
            continue
        position = 1
        for candidate in words[start + 1 : start + window]:
            if position == len(wanted):
                break
            if candidate == wanted[position]:
                position += 1
        if position == len(wanted):
            return True
    return False


def _run(*args: str) -> str:
    if args[0] == "pdfinfo":
        args = (_tool("pdfinfo"), *args[1:])
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def expected_pages(xlsx: bytes) -> tuple[int, int]:
    """(fewest, most) pages a person expects: one page per sheet at least; at most the rows'
    heights, scaled so that the columns fit the printable width, over the printable height."""
    wb = load_workbook(io.BytesIO(xlsx))
    most = 0
    for ws in wb.worksheets:
        widths = [
            ws.column_dimensions[get_column_letter(c)].width or 8.43
            for c in range(1, ws.max_column + 1)
        ]
        table_width = sum((w * 7 + 5) * 0.75 for w in widths)  # Excel's pixels, in points
        scale = min(1.0, PRINTABLE[0] / table_width)
        heights = [ws.row_dimensions[r].height or LINE_POINTS for r in range(1, ws.max_row + 1)]
        most += max(1, math.ceil(sum(heights) * scale / PRINTABLE[1]))
    return len(wb.worksheets), most


@pytest.fixture
def province(app, runner):
    """The demo province on the tests' clock, plus one task with a long text."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        directive = db.session.scalar(db.select(Directive).where(Directive.number == "86/TB-UBND"))
        lead = db.session.scalar(db.select(Agency).where(Agency.name == "Sở Xây dựng"))
        factories.make_task(directive, lead, content=LONG_TEXT, due_on=date(2025, 7, 31))
        db.session.commit()
        contents = {
            " ".join(t.content.split())
            for t in db.session.scalars(db.select(Task)).all()
            if t.cadence in (None, "", "none") or t.periods
        }
    return contents


def _admin(client):
    response = client.post(
        "/login", data={"email": "admin@tinh.gov.vn", "password": "quantri-demo"}
    )
    assert response.status_code == 302
    return client


EXPORTS = {
    "bao-cao-nam-2025": "/reports/export.xlsx?year=2025&period=Y&as_of=18/08/2025",
    "bao-cao-6-thang-2025": "/reports/export.xlsx?year=2025&period=H1&as_of=18/08/2025",
    "nhiem-vu-qua-han": "/reports/overdue.xlsx",
}
FIRST_HEADERS = ("STT", "Xếp hạng")


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_xlsx_export_prints_one_page_wide_with_every_task_text_whole(
    app, client, province, lo_profile, name
):
    response = _admin(client).get(EXPORTS[name])
    assert response.status_code == 200
    folder = ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / f"{name}.xlsx"
    xlsx.write_bytes(response.data)
    pdf = to_pdf(xlsx, lo_profile)

    sizes = page_sizes(pdf)
    fewest, most = expected_pages(response.data)
    assert fewest <= len(sizes) <= most, (len(sizes), fewest, most)
    for number, (width, height) in enumerate(sizes, start=1):
        assert abs(width - A4_LANDSCAPE[0]) < 2 and abs(height - A4_LANDSCAPE[1]) < 2, number
        text = page_text(pdf, number)
        # the header row repeats and its first column is on every page: one page wide
        assert any(re.search(rf"^\s*{h}\b", text, re.M) for h in FIRST_HEADERS), (number, text)

    words = whole_text(pdf).split()
    wb = load_workbook(io.BytesIO(response.data))
    listed = {
        " ".join(str(cell.value).split())
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.column in (2, 3)
        and isinstance(cell.value, str)
        and cell.value.split(" — ")[0].strip() in {c.split(" — ")[0] for c in province}
    }
    assert listed, "the export lists no task"
    missing = [content for content in listed if not appears_whole(content, words)]
    assert not missing, missing
    if name == "bao-cao-nam-2025":
        assert appears_whole(LONG_TEXT, words)


def test_rates_show_one_decimal_counts_whole_dates_real(app, client, province):
    """The number formats Calc and Excel show: 25.0 beside 16.7, never 25; dates as dates."""
    response = _admin(client).get(EXPORTS["bao-cao-nam-2025"])
    wb = load_workbook(io.BytesIO(response.data))
    summary = wb["Tổng hợp"]
    header_row = next(r for r in range(1, 10) if summary.cell(r, 1).value == "STT")
    header = [c.value for c in summary[header_row]]
    rate = header.index("Tỷ lệ đúng hạn (%)") + 1
    count = header.index("Hoàn thành đúng hạn") + 1
    rows = range(header_row + 1, summary.max_row + 1)
    rates = [summary.cell(r, rate) for r in rows if isinstance(summary.cell(r, rate).value, float)]
    counts = [summary.cell(r, count) for r in rows if isinstance(summary.cell(r, count).value, int)]
    assert rates and {c.number_format for c in rates} == {"0.0"}
    assert counts and {c.number_format for c in counts} == {"0"}
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.auto_filter.ref
    detail = wb["Phụ lục chi tiết"]
    dates = [c for row in detail.iter_rows(min_row=5) for c in row if c.is_date]
    assert dates and {c.number_format for c in dates} == {"dd/mm/yyyy"}
    header_cells = [c for c in detail[4] if c.value]
    assert all(c.alignment.wrap_text for c in header_cells)
