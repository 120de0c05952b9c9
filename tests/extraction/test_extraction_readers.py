"""Uploaded files: .txt in several encodings, .docx with tables, .pdf with a text layer."""

from __future__ import annotations

import io
import unicodedata

import docx
import pytest

from tracker.extraction import UnsupportedDocument, read_document

VIETNAMESE = "Sở Tài chính chủ trì, báo cáo UBND tỉnh trước ngày 15/8/2025."


def cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows tools do: base letters precomposed, tone marks combining."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258")
            out += parts[-1].encode("cp1258")
    return out


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds `lines` (ASCII, Helvetica)."""
    stream = (
        "BT /F1 12 Tf 72 720 Td 14 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        )
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("THÔNG BÁO")
    document.add_paragraph(VIETNAMESE)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Nội dung", "Chủ trì", "Thời hạn"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Khảo sát", "Sở Y tế", "30/6/2025"], strict=True):
        cell.text = text
    document.add_paragraph("Văn phòng UBND tỉnh thông báo để biết, thực hiện./.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        VIETNAMESE.encode("utf-8"),
        b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"),
        VIETNAMESE.encode("utf-16"),
        cp1258(VIETNAMESE),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1258"],
)
def test_txt_encodings(data):
    assert read_document("thong-bao.TXT", data).strip() == VIETNAMESE


def test_txt_falls_back_to_latin1_without_crashing():
    text = read_document("a.txt", bytes(range(0x80, 0x100)))
    assert isinstance(text, str) and text


def test_txt_crlf_is_normalised():
    assert read_document("a.txt", b"a\r\nb\rc") == "a\nb\nc"


def test_docx_paragraphs_and_table_rows_in_order():
    text = read_document("kh.docx", make_docx())
    lines = text.split("\n")
    assert lines[:2] == ["THÔNG BÁO", VIETNAMESE]
    assert "Khảo sát | Sở Y tế | 30/6/2025" in lines
    assert lines.index("Khảo sát | Sở Y tế | 30/6/2025") < len(lines) - 1


def test_pdf_text_layer():
    text = read_document("tb.pdf", make_pdf(["So Tai chinh bao cao", "truoc ngay 15/8/2025."]))
    assert "So Tai chinh bao cao" in text and "15/8/2025" in text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tb.docx", b"this is not a zip file at all"),
        ("tb.docx", b"PK\x03\x04 broken zip"),
        ("tb.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("tb.pdf", b"plain text pretending to be a pdf"),
        ("tb.pdf", b"%PDF-1.4\n garbage"),
        ("tb.txt", b"PK\x03\x04" + b"\x00" * 50),
        ("tb.txt", b"\x00\x01\x02\x03" * 50),
        ("tb.doc", b"anything"),
        ("tb.odt", b"anything"),
        ("README", b"anything"),
        ("", b""),
    ],
)
def test_unsupported_content_is_refused_in_vietnamese(name, data):
    with pytest.raises(UnsupportedDocument) as caught:
        read_document(name, data)
    assert caught.value.message and any(ch in caught.value.message for ch in "ệạảốờ")


def test_pdf_without_text_layer_is_refused():
    with pytest.raises(UnsupportedDocument, match="lớp văn bản"):
        read_document("scan.pdf", make_pdf([]))


def make_plan_docx() -> bytes:
    """A Phụ lục table with a section row merged across and a "chủ trì" merged down."""
    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH")
    document.add_paragraph("Số: 77/KH-UBND")
    document.add_paragraph("Hòa Bình, ngày 02 tháng 4 năm 2025")
    document.add_paragraph("PHỤ LỤC")
    table = document.add_table(rows=5, cols=4)
    header = ["Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    section = table.cell(1, 0).merge(table.cell(1, 3))
    section.text = "I. CẢI CÁCH HÀNH CHÍNH"
    rows = [
        ["Rà soát thủ tục hành chính", "Sở Tư pháp", "Sở Nội vụ", "Quý II/2025"],
        ["Công bố danh mục thủ tục", "", "Văn phòng UBND tỉnh", "Tháng 8/2025"],
        ["Số hóa hồ sơ", "Sở Tài chính", "", "30/9/2025"],
    ]
    for index, values in enumerate(rows, start=2):
        for cell, text in zip(table.rows[index].cells, values, strict=True):
            cell.text = text
    table.cell(2, 1).merge(table.cell(3, 1))  # Sở Tư pháp leads two rows
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merged_cells_keep_the_columns_and_give_each_row_its_lead(registry):
    from tracker.extraction import extract

    text = read_document("kh.docx", make_plan_docx())
    lines = text.split("\n")
    assert "I. CẢI CÁCH HÀNH CHÍNH" in lines  # one line, not four copies
    assert "Số hóa hồ sơ | Sở Tài chính |  | 30/9/2025" in lines  # an empty cell stays
    tasks = {(t["agency"], t["due"]) for t in extract(text, registry)["tasks"]}
    assert tasks == {
        ("Sở Tư pháp", "2025-06-30"),
        ("Sở Tư pháp", "2025-08-31"),
        ("Sở Tài chính", "2025-09-30"),
    }
