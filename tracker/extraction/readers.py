"""Read an uploaded directive (.txt, .docx, .pdf with a text layer) into plain text.

Offices upload whatever the mail system gave them: UTF-8 text, text saved by old Windows
tools in cp1258, Word files, PDFs exported from Word or scanned. Anything we cannot read
truthfully (a scan without a text layer, a .docx that is not a zip, an old binary .doc)
is refused with a Vietnamese message the upload form can show as it is.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import warnings
import zipfile

from tracker.files.limits import (
    FileTooComplex,
    Limits,
    check_text_length,
    check_zip,
    current_limits,
)

__all__ = ["MAX_BYTES", "UnsupportedDocument", "read_document"]

#: Larger uploads are refused before parsing; a directive is far smaller.
MAX_BYTES = 20 * 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls: old Office binary files


class UnsupportedDocument(ValueError):
    """The file cannot be read as a directive; `message` is Vietnamese, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_document(filename: str, data: bytes) -> str:
    """Return the text of an uploaded .txt, .docx or .pdf file.

    Raises UnsupportedDocument for other extensions and for content that does not match
    its extension, so that a wrong upload is explained instead of read as garbage.
    """
    name = (filename or "").strip().lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnsupportedDocument("Không đọc được tệp tải lên.")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise UnsupportedDocument("Tệp quá lớn (trên 20 MB); văn bản chỉ đạo không lớn đến vậy.")
    limits = current_limits()
    try:
        if extension == "txt":
            text = _read_txt(data)
        elif extension == "docx":
            text = _read_docx(data, limits)
        elif extension == "pdf":
            text = _read_pdf(data, limits)
        else:
            text = None
        if text is not None:
            check_text_length(text, limits)
            return text
    except FileTooComplex as error:
        raise UnsupportedDocument(error.message) from None
    if extension == "doc":
        raise UnsupportedDocument(
            "Tệp .doc (Word 97-2003) chưa được hỗ trợ; hãy mở bằng Word và lưu lại dạng .docx."
        )
    raise UnsupportedDocument(
        "Chỉ nhận tệp .txt, .docx hoặc .pdf có lớp văn bản"
        + (f"; tệp «{filename}» không thuộc các loại này." if filename else ".")
    )


# -- .txt -------------------------------------------------------------------------------


def _read_txt(data: bytes) -> str:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_PDF_MAGIC) or data.startswith(_OLE_MAGIC):
        raise UnsupportedDocument(
            "Tệp có đuôi .txt nhưng nội dung là tệp Word/PDF; hãy tải lên đúng đuôi tệp."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _normalise(data.decode("utf-16"))
        except UnicodeDecodeError as error:
            raise UnsupportedDocument("Tệp .txt UTF-16 bị hỏng, không đọc được.") from error
    if data.count(b"\x00") > len(data) // 100 + 1:
        raise UnsupportedDocument(
            "Tệp có đuôi .txt nhưng chứa dữ liệu nhị phân, không phải văn bản."
        )
    try:
        return _normalise(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        # Vietnamese Windows code page: tone marks are combining characters, which NFC
        # composes back into the precomposed letters the rest of the system expects.
        return _normalise(data.decode("cp1258"))
    except UnicodeDecodeError:
        return _normalise(data.decode("latin-1"))


def _normalise(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text (nor posted back from the review page)
    text = text.replace("\x00", "")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# -- .docx ------------------------------------------------------------------------------


def _read_docx(data: bytes, limits: Limits) -> str:
    if not data.startswith(_ZIP_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(_OLE_MAGIC):
            raise UnsupportedDocument(
                "Tệp có đuôi .docx nhưng là định dạng Word 97-2003 (.doc); hãy lưu lại dạng .docx."
            )
        raise UnsupportedDocument("Tệp có đuôi .docx nhưng không phải tài liệu Word hợp lệ.")
    check_zip(data, limits)  # before python-docx inflates anything
    try:
        import docx  # python-docx
        from docx.document import Document as _Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document: _Document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        read = [0]  # characters so far: a huge body stops here, not after the join

        def walk(parent, element) -> None:
            for child in element.iterchildren():
                check_text_length(read[0], limits)
                tag = child.tag.rsplit("}", 1)[-1]
                if tag == "p":
                    lines.append(Paragraph(child, parent).text)
                    read[0] += len(lines[-1]) + 1
                elif tag == "tbl":
                    table = Table(child, parent)
                    for row in table.rows:
                        check_text_length(read[0], limits)
                        # a merged cell comes back once per grid column it spans (across) and
                        # once per row (down): down, each row keeps its copy (the "chủ trì" of
                        # several rows); across, the copies become empty cells so the columns
                        # stay aligned with the header's
                        cells: list[str] = []
                        previous = None
                        for cell in row.cells:
                            text = " ".join(p.text.strip() for p in cell.paragraphs).strip()
                            cells.append("" if cell._tc is previous else text.replace("|", "/"))
                            previous = cell._tc
                        filled = [c for c in cells if c]
                        if len(filled) == 1:
                            lines.append(filled[0])  # a section row spanning the table
                        elif filled:
                            lines.append(" | ".join(cells))
                            read[0] += len(lines[-1]) + 1
                elif tag == "sdt":
                    content = child.find(child.tag.replace("sdt", "sdtContent"))
                    if content is not None:
                        walk(parent, content)

        walk(document, document.element.body)
        return _normalise("\n".join(lines))
    except (UnsupportedDocument, FileTooComplex):
        raise
    except Exception as error:  # python-docx raises many kinds on broken files
        raise UnsupportedDocument("Tệp .docx bị hỏng hoặc không đúng định dạng Word.") from error


# -- .pdf -------------------------------------------------------------------------------


def _read_pdf(data: bytes, limits: Limits) -> str:
    if _PDF_MAGIC not in data[:1024]:
        raise UnsupportedDocument("Tệp có đuôi .pdf nhưng không phải tài liệu PDF.")
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnsupportedDocument("Tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lại.")
            count = len(reader.pages)
            if count > limits.pdf_max_pages:
                raise FileTooComplex(
                    f"Tệp PDF có {count} trang (tối đa {limits.pdf_max_pages}); "
                    "hãy tải lên riêng phần văn bản chỉ đạo."
                )
            # page by page, stopping as soon as the text is longer than anything we read
            pages: list[str] = []
            length = 0
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                length += len(pages[-1]) + 1
                check_text_length(length, limits)
    except (UnsupportedDocument, FileTooComplex):
        raise
    except Exception as error:  # pypdf raises many kinds on broken files
        raise UnsupportedDocument("Tệp PDF bị hỏng, không đọc được.") from error
    finally:
        logger.setLevel(level)
    text = _normalise("\n".join(pages))
    if sum(char.isalpha() for char in text) < 20:
        raise UnsupportedDocument(
            "Tệp PDF không có lớp văn bản (bản scan); hãy tải bản .docx hoặc PDF xuất từ Word."
        )
    return text
