"""Small files that unpack into huge ones are refused quickly, within a memory bound (issue 14).

Each bomb is built here (nothing is downloaded) and read in a subprocess whose address space
is limited with `resource.setrlimit(RLIMIT_AS)` and whose run time is bounded: the reader
must answer with its Vietnamese refusal, not exhaust the machine. Before the limits, a 200 KB
.docx held a worker at 1.1 GB for two minutes and a 1.5 MB .xlsx reached 4 GB.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
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
        if kind == "signature":
            from datetime import UTC, datetime
            from tracker.files.signatures import verify_pdf
            check = verify_pdf(data, [], now=datetime.now(UTC))
            print(json.dumps({{"state": check.state.value, "detail": check.detail or ""}}))
        elif kind == "import":
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


# -- PDF: streams that inflate to far more than the file ---------------------------------------

MB = 1024 * 1024
_FONT = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"


def _deflated(fill: bytes, size: int, head: bytes = b"") -> bytes:
    """`head` then `size` bytes of `fill`, deflated in 1 MB steps (never held inflated)."""
    packer = zlib.compressobj(9)
    chunk = fill * (MB // len(fill))
    parts = [packer.compress(head)]
    parts += [packer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join([*parts, packer.flush()])


def _stream(packed: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(packed), extra) + (
        packed + b"\nendstream"
    )


def _pdf(objects: list[bytes]) -> bytes:
    """A classic PDF: `objects[i]` is object i + 1, the catalog is object 1."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % start)


def _pages_pdf(contents: list[bytes], resources: bytes = _FONT, extra: list[bytes] = ()) -> bytes:
    """One page per deflated content stream, with a font (pypdf skips pages without one);
    the `extra` objects follow the pages (the first is number 3 + 2 × pages)."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
    ]
    for index, packed in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << %s >> "
            b"/Contents %d 0 R >>" % (resources, 4 + 2 * index)
        )
        objects.append(_stream(packed))
    return _pdf(objects + list(extra))


def _object_stream_pdf(padding: int) -> bytes:
    """The catalog and page tree inside an object stream padded to inflate `padding` bytes:
    what a signature check reads (it never draws the pages)."""
    catalog, pages = b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"
    header = b"1 0 2 %d " % (len(catalog) + 1)
    packed = _deflated(b" ", padding, head=header + catalog + b" " + pages + b" ")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    objstm = len(out)
    out += b"3 0 obj\n" + _stream(packed, b"/Type /ObjStm /N 2 /First %d" % len(header))
    out += b"\nendobj\n"
    xref = len(out)
    rows = [(0, 0, 65535), (2, 3, 0), (2, 3, 1), (1, objstm, 0), (1, xref, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\n" % len(table)
    out += b"stream\n" + table + b"\nendstream\nendobj\n"
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def test_a_pdf_page_inflating_to_400_mb_is_refused(tmp_path):
    """400 MB of zeros in one FlateDecode content stream: a 400 KB file."""
    path = tmp_path / "zeros.pdf"
    path.write_bytes(_pages_pdf([_deflated(b"0", 400 * MB)]))
    assert path.stat().st_size < MB
    answer, elapsed = read_bounded("document", path)
    assert "giải nén" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_a_pdf_of_many_big_pages_is_refused_at_the_first(tmp_path):
    """Twelve pages of 12 MB each (150 KB on disk): pypdf's own 75 MB cap lets each through,
    and reading them took 45 s before the limits."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(_pages_pdf([_deflated(b" ", 12 * MB)] * 12))
    assert path.stat().st_size < MB
    answer, elapsed = read_bounded("document", path)
    assert "giải nén" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_a_pdf_inflating_past_the_budget_in_small_streams_is_refused(tmp_path):
    """Streams under the per-stream cap that add up past `pdf_max_inflated_bytes`: counted one
    by one before any is parsed, so the refusal comes at the limit, not after the file."""
    limits = Limits()
    size = limits.pdf_max_stream_bytes - MB
    count = limits.pdf_max_inflated_bytes // size + 2
    forms = [_stream(_deflated(b" ", size), b"/Type /XObject /Subtype /Form /BBox [0 0 1 1]")]
    # every name points at its own copy of the form, after the one page's two objects
    names = b" ".join(b"/X%d %d 0 R" % (i, 5 + i) for i in range(count))
    resources = _FONT + b" /XObject << " + names + b" >>"
    path = tmp_path / "forms.pdf"
    content = _deflated(b" ", 0, head=b"BT /F1 12 Tf (Giao) Tj ET /X0 Do")
    path.write_bytes(_pages_pdf([content], resources=resources, extra=forms * count))
    answer, elapsed = read_bounded("document", path)
    assert f"hơn {limits.pdf_max_inflated_bytes // MB} MB" in answer.get("refused", ""), answer
    assert elapsed < TIME_BOUND


def test_a_pdf_bomb_in_an_object_stream_is_an_invalid_signature_not_a_dead_worker(tmp_path):
    """A signed report is verified at upload (pyHanko): the objects it must read inflate to
    400 MB; the check answers "invalid" quickly, within the memory bound, and the text reader
    refuses the same file."""
    path = tmp_path / "objects.pdf"
    path.write_bytes(_object_stream_pdf(400 * MB))
    assert path.stat().st_size < MB
    answer, elapsed = read_bounded("signature", path)
    assert answer.get("state") == "invalid" and "limit" in answer["detail"], answer
    assert elapsed < TIME_BOUND
    answer, elapsed = read_bounded("document", path)
    assert "giải nén" in answer.get("refused", ""), answer
    # an ordinary file still gets its real verdict
    path.write_bytes(_object_stream_pdf(0))
    assert read_bounded("signature", path)[0] == {"state": "unsigned", "detail": ""}


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
