"""Small files that unpack into huge ones are refused quickly, within a memory bound (issue 14).

Each bomb is built here (nothing is downloaded) and read in a subprocess whose address space
is limited with `resource.setrlimit(RLIMIT_AS)` and whose run time is bounded: the reader
must answer with its Vietnamese refusal, not exhaust the machine. Before the limits, a 200 KB
.docx held a worker at 1.1 GB for two minutes and a 1.5 MB .xlsx reached 4 GB.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import login_as
from tests.world import EMAILS
from tracker.files.limits import Limits

REPO = Path(__file__).resolve().parents[2]
#: address space of the reading process: the interpreter, lxml, openpyxl and pypdf fit well
#: below it; unpacking any of the bombs would not
MEMORY_BOUND = 768 * 1024 * 1024
#: a refusal reads the ZIP directory or a few pages: it is immediate
TIME_BOUND = 15.0

_RUNNER = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({bound}, {bound}))
    kind, path = sys.argv[1], sys.argv[2]
    data = open(path, "rb").read()
    try:
        if kind == "import":
            from tracker.agencies.importer import ImportFormatError, read_table
            try:
                rows = read_table(path, data)
                print(json.dumps({{"ok": len(rows)}}))
            except ImportFormatError as error:
                print(json.dumps({{"refused": str(error)}}))
        else:
            from tracker.extraction import UnsupportedDocument, read_document
            try:
                text = read_document(path, data)
                print(json.dumps({{"ok": len(text)}}))
            except UnsupportedDocument as error:
                print(json.dumps({{"refused": error.message}}))
    except MemoryError:
        print(json.dumps({{"memory": True}}))
    """
)


def read_bounded(kind: str, path: Path) -> tuple[dict, float]:
    """Read `path` in a subprocess bounded in memory and time; return its answer and time."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER.format(bound=MEMORY_BOUND), kind, str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=TIME_BOUND * 4,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path.name} did not finish in {TIME_BOUND * 4:.0f} s")
    elapsed = time.monotonic() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no answer (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(lines[-1]), elapsed


def _deflate_member(
    archive: zipfile.ZipFile, name: str, head: bytes, body: bytes, times: int, tail: bytes
) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as out:
        out.write(head)
        for _ in range(times):
            out.write(body)
        out.write(tail)


def _docx_bomb(path: Path, paragraphs: int) -> Path:
    """A valid .docx whose body has `paragraphs` tiny paragraphs, deflated to almost nothing."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                _deflate_member(
                    archive,
                    item.filename,
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                    b'2006/main"><w:body>',
                    b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 1000,
                    paragraphs // 1000,
                    b"</w:body></w:document>",
                )
            else:
                archive.writestr(item, source.read(item.filename))
    return path


def _xlsx_bomb(path: Path, rows: int) -> Path:
    """An .xlsx whose only sheet declares the whole grid and holds `rows` rows of one cell."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["name"])
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                _deflate_member(
                    archive,
                    item.filename,
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + ns + b">"
                    b'<dimension ref="A1:XFD1048576"/><sheetData>',
                    b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000,
                    rows // 1000,
                    b"</sheetData></worksheet>",
                )
            else:
                archive.writestr(item, source.read(item.filename))
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("bombs")
    many = where / "many-members.docx"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(Limits().zip_max_members + 1):
            archive.writestr(f"word/media/x{number}.xml", b"")
    return {
        # 64 MB of paragraphs in 0.1 MB: python-docx would build millions of elements
        "docx": _docx_bomb(where / "bomb.docx", 2_000_000),
        "members": many,
        # a million rows declared 16 384 columns wide
        "xlsx": _xlsx_bomb(where / "bomb.xlsx", 1_000_000),
    }


def test_a_docx_bomb_is_refused_from_its_zip_directory(bombs):
    assert bombs["docx"].stat().st_size < 1024 * 1024
    answer, elapsed = read_bounded("document", bombs["docx"])
    assert "giải nén" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_an_archive_of_too_many_parts_is_refused(bombs):
    answer, elapsed = read_bounded("document", bombs["members"])
    assert "thành phần" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_an_xlsx_declaring_a_million_rows_is_refused(bombs):
    assert bombs["xlsx"].stat().st_size < 2 * 1024 * 1024
    answer, elapsed = read_bounded("import", bombs["xlsx"])
    assert "giải nén" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_an_xlsx_under_the_size_limit_stops_at_the_row_limit(tmp_path):
    """Compact rows pass the ZIP check; reading stops at `import_max_rows`, not at the end."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["name"])
    for number in range(20_000):
        sheet.append([f"Cơ quan số {number}"])
    path = tmp_path / "rows.xlsx"
    book.save(path)
    answer, elapsed = read_bounded("import", path)
    assert "2000 dòng" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_a_csv_of_too_many_rows_is_refused(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("name\n" + "Sở A\n" * 200_000, encoding="utf-8")
    answer, elapsed = read_bounded("import", path)
    assert "2000 dòng" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_a_pdf_of_thousands_of_pages_is_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(Limits().pdf_max_pages + 1):
        writer.add_blank_page(width=10, height=10)
    path = tmp_path / "pages.pdf"
    with path.open("wb") as out:
        writer.write(out)
    answer, elapsed = read_bounded("document", path)
    assert "trang" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_a_huge_text_file_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Giao Sở Tài chính chủ trì.\n" * 60_000, encoding="utf-8")  # 1.6M chars
    answer, _elapsed = read_bounded("document", path)
    assert "ký tự" in answer.get("refused", ""), answer


def test_a_real_docx_and_xlsx_still_read(tmp_path):
    import docx
    from openpyxl import Workbook

    document = docx.Document()
    document.add_paragraph("Giao Sở Tài chính chủ trì, báo cáo trước ngày 15/8/2025.")
    document.save(tmp_path / "ok.docx")
    answer, _ = read_bounded("document", tmp_path / "ok.docx")
    assert answer.get("ok", 0) > 10, answer
    book = Workbook()
    book.active.append(["name", "short_name"])
    book.active.append(["Sở Tài chính", "STC"])
    book.save(tmp_path / "ok.xlsx")
    answer, _ = read_bounded("import", tmp_path / "ok.xlsx")
    assert answer == {"ok": 1}


def test_limits_follow_the_settings(app):
    from tracker.files.limits import current_limits

    app.config["TRACKER_LIMIT_IMPORT_MAX_ROWS"] = "5"
    with app.app_context():
        assert current_limits().import_max_rows == 5
        from tracker.agencies.importer import ImportFormatError, read_table

        with pytest.raises(ImportFormatError, match="5 dòng"):
            read_table("a.csv", ("name\n" + "Sở A\n" * 6).encode())


SAMPLE = (REPO / "tests/extraction/samples/kh-88-kh-ubnd-2025.txt").read_text(encoding="utf-8")


def test_extraction_proposes_a_bounded_number_of_tasks(app, world):
    """A text that would make hundreds of rows gets a message, not a 64 MB review page."""
    client = login_as(app.test_client(), EMAILS["office_staff"])
    response = client.post("/directives/extract/", data={"text": SAMPLE * 50})  # 350 tasks
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "vượt giới hạn 300 nhiệm vụ" in html
    assert 'name="tasks-0-content"' not in html
    # a normal notice still reaches the review page
    response = client.post("/directives/extract/", data={"text": SAMPLE})
    assert 'name="tasks-0-content"' in response.get_data(as_text=True)


def test_a_pasted_text_over_the_limit_is_refused(app, world):
    app.config["TRACKER_LIMIT_MAX_TEXT_CHARS"] = 1000
    client = login_as(app.test_client(), EMAILS["office_staff"])
    response = client.post("/directives/extract/", data={"text": SAMPLE * 2})
    assert response.status_code == 200
    assert "1.000 ký tự" in response.get_data(as_text=True)
