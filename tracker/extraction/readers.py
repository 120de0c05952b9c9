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
    """The text layer, read page by page within `limits` (pages, inflated bytes, characters).

    A PDF's streams are compressed: a 400 KB file can hold a page whose drawing inflates to
    400 MB, and a 150 KB one twelve pages of 12 MB that took 45 s to read. So every stream is
    capped (`pdf_max_stream_bytes`, through pypdf's own configuration) and what the pages
    inflate to is counted stream by stream before their text is extracted
    (`pdf_max_inflated_bytes`): the reader stops at the limit, never after the whole file.
    """
    if _PDF_MAGIC not in data[:1024]:
        raise UnsupportedDocument("Tệp có đuôi .pdf nhưng không phải tài liệu PDF.")
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pypdf import PdfReader, apply_configuration
            from pypdf.errors import LimitReachedError

            try:
                with apply_configuration(**pdf_configuration(limits)):
                    reader = PdfReader(io.BytesIO(data), strict=False)
                    if reader.is_encrypted and not reader.decrypt(""):
                        raise UnsupportedDocument(
                            "Tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lại."
                        )
                    count = len(reader.pages)
                    if count > limits.pdf_max_pages:
                        raise FileTooComplex(
                            f"Tệp PDF có {count} trang (tối đa {limits.pdf_max_pages}); "
                            "hãy tải lên riêng phần văn bản chỉ đạo."
                        )
                    # page by page, stopping as soon as the text is longer than anything we
                    # read, or the streams inflate to more than we hold
                    pages: list[str] = []
                    length = 0
                    inflated = _Inflated(limits)
                    for page in reader.pages:
                        inflated.page(page)
                        pages.append(page.extract_text() or "")
                        length += len(pages[-1]) + 1
                        check_text_length(length, limits)
            except LimitReachedError as error:  # one stream past pypdf's caps set above
                raise FileTooComplex(
                    "Tệp PDF có một phần khi giải nén quá lớn hoặc quá phức tạp (tối đa "
                    f"{limits.pdf_max_stream_bytes // (1024 * 1024)} MB mỗi phần); văn bản chỉ "
                    "đạo không lớn đến vậy. Hãy tải lên bản PDF xuất từ Word hoặc tệp .docx."
                ) from error
    except (UnsupportedDocument, FileTooComplex):
        raise
    except MemoryError:  # a bomb the limits above did not foresee: refused all the same
        raise FileTooComplex(_pdf_too_big(limits.pdf_max_inflated_bytes)) from None
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


def pdf_configuration(limits: Limits) -> dict[str, int]:
    """pypdf's own caps, tightened to `pdf_max_stream_bytes` (those this pypdf knows)."""
    import dataclasses

    from pypdf import Configuration

    cap = limits.pdf_max_stream_bytes
    wanted = {
        "zlib_maximum_output_length": cap,
        "lzw_maximum_output_length": cap,
        "run_length_maximum_output_length": cap,
        "brotli_maximum_output_length": cap,
        "array_based_stream_maximum_output_length": cap,
        "image_maximum_buffer_size": cap,
        "xmp_maximum_input_length": cap,
        "stream_decoding_work_maximum_length": 2 * cap,
        # operands and operators of one content stream (a dense page of text: ~3,000); a
        # stream of millions of tiny operators takes seconds per million to parse
        "stream_parsing_work_maximum_count": 200_000,
    }
    known = {f.name for f in dataclasses.fields(Configuration)}
    return {name: value for name, value in wanted.items() if name in known}


def _pdf_too_big(size: int) -> str:
    return (
        f"Tệp PDF khi giải nén lên tới hơn {size // (1024 * 1024)} MB; văn bản chỉ đạo không "
        "lớn đến vậy. Hãy tải lên bản PDF xuất từ Word hoặc tệp .docx."
    )


class _Inflated:
    """Counts what a PDF's pages inflate to, one stream at a time, before pypdf reads them.

    A page's text comes from its content streams and the form XObjects they draw (images are
    not decoded for text). Each is decoded here, in turn, and counted once: pypdf keeps the
    decoded bytes, so the text extraction that follows reuses them, and the count stops the
    reading one stream past the limit instead of after the file.
    """

    def __init__(self, limits: Limits) -> None:
        self.limit = limits.pdf_max_inflated_bytes
        self.total = 0
        self.seen: set[int] = set()

    def page(self, page) -> None:
        self._streams(page.get("/Contents"), depth=0)
        self._resources(page.get("/Resources"), depth=0)

    def _streams(self, contents, depth: int) -> None:
        contents = contents.get_object() if contents is not None else None
        if contents is None:
            return
        if isinstance(contents, list):
            for part in contents:
                self._streams(part, depth)
            return
        self._count(contents)

    def _resources(self, resources, depth: int) -> None:
        resources = resources.get_object() if resources is not None else None
        if not hasattr(resources, "get") or depth > 10:
            return
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not hasattr(xobjects, "values"):
            return
        for xobject in list(xobjects.values()):
            xobject = xobject.get_object()
            if hasattr(xobject, "get") and xobject.get("/Subtype") == "/Form":
                if self._count(xobject):
                    self._resources(xobject.get("/Resources"), depth + 1)

    def _count(self, stream) -> bool:
        """Decode `stream` once and add it to the total; False if it was already counted."""
        if id(stream) in self.seen or not hasattr(stream, "get_data"):
            return False
        self.seen.add(id(stream))
        self.total += len(stream.get_data())
        if self.total > self.limit:
            raise FileTooComplex(_pdf_too_big(self.limit))
        return True
