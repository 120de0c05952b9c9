"""How much one uploaded file may make the server unpack, read and propose (issue 14).

A .docx or .xlsx is a ZIP archive: 200 KB on the wire can declare gigabytes of XML, and the
readers (python-docx, openpyxl, pypdf) hold what they read in memory. A probe held a worker at
1.1 GB for two minutes with a 199 KB .docx and reached 4 GB with a 1.5 MB .xlsx; gunicorn's
timeout did not stop either. So every reader asks here first, before anything is parsed:

- the ZIP directory (member count, total and per-part uncompressed sizes, compression ratio),
  read from the central directory without inflating anything;
- then how much it may read: rows and columns of a table, pages of a PDF and what its streams
  inflate to (each one, and all of them), characters of text;
- and how much the extraction may propose on one review page.

The numbers are far above any real directive or agency list (a 300-page notice is about 5 MB
of XML; a province has a few hundred agencies), and each can be raised with a setting of the
same name (`TRACKER_LIMIT_…`, see `Limits`). No Flask needed: outside an app (a script, a
test subprocess) the defaults apply.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, fields, replace

__all__ = ["FileTooComplex", "Limits", "check_text_length", "check_zip", "current_limits"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Every bound, with its default; `TRACKER_LIMIT_<NAME>` in the config overrides one."""

    #: parts of one .docx/.xlsx (a real one has 10–60)
    zip_max_members: int = 1000
    #: everything in the archive once inflated (pictures included, stored nearly uncompressed)
    zip_max_total_bytes: int = 200 * MB
    #: one XML part inflated: the part a parser builds a tree of (a 300-page notice: ~5 MB)
    zip_max_xml_bytes: int = 16 * MB
    #: inflated / compressed size of a part above 1 MB (real XML: 5–30; bombs: thousands)
    zip_max_ratio: int = 200
    #: characters of text read from one document (a long notice: 50 000)
    max_text_chars: int = 1_000_000
    #: pages of a PDF read (page by page; a notice has fewer than 50)
    pdf_max_pages: int = 300
    #: one stream of a PDF inflated (a dense page of text draws in ~11 KB; pypdf alone allows
    #: 75 MB, which it then parses for ~20 s)
    pdf_max_stream_bytes: int = 4 * MB
    #: what the pages of one PDF inflate to, all together (a dense 300-page notice: ~3.3 MB);
    #: parsing is ~0.3 s per MB, and pypdf keeps what it inflated until the file is read
    pdf_max_inflated_bytes: int = 16 * MB
    #: tasks the extraction may propose on one review page
    max_proposed_tasks: int = 300
    #: rows read from one agency list, empty ones included (a province: a few hundred agencies)
    import_max_rows: int = 2_000
    #: rows read from one task list (issue 15 asks for 5,000 in one go); written in batches of
    #: `import_batch_rows`, so other users are never kept waiting behind the whole file
    task_import_max_rows: int = 10_000
    #: rows written per transaction by an import: each commit frees SQLite's write lock for the
    #: other writers (a batch takes well under a second, far inside their 15 s wait)
    import_batch_rows: int = 500
    #: columns read from one import file (the format has 7)
    import_max_columns: int = 50
    #: characters of one cell of an import file
    import_max_cell_chars: int = 2_000

    @classmethod
    def from_mapping(cls, config: object) -> Limits:
        """The defaults, overridden by the `TRACKER_LIMIT_*` keys of a config mapping."""
        changes = {}
        for f in fields(cls):
            value = config.get(f"TRACKER_LIMIT_{f.name.upper()}")  # type: ignore[attr-defined]
            if value not in (None, ""):
                changes[f.name] = int(value)
        return replace(cls(), **changes)


def current_limits() -> Limits:
    """The limits of the running app, or the defaults outside an app context."""
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - Flask is always installed with the app
        return Limits()
    if not has_app_context():
        return Limits()
    return Limits.from_mapping(current_app.config)


class FileTooComplex(ValueError):
    """The file would unpack into more than the server reads; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB"


def check_zip(data: bytes, limits: Limits | None = None) -> None:
    """Refuse a ZIP (a .docx, .xlsx) whose directory announces more than `limits` allow.

    Only the central directory is read: nothing is inflated. The sizes it declares are what
    the readers would inflate (zipfile stops a part at its declared size), so a lying
    directory cannot make them read more.

    :raise FileTooComplex: with a Vietnamese message for the upload form.
    """
    limits = limits or current_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise FileTooComplex("Tệp nén (.docx/.xlsx) bị hỏng, không đọc được.") from error
    if len(members) > limits.zip_max_members:
        raise FileTooComplex(
            f"Tệp chứa {len(members)} thành phần (tối đa {limits.zip_max_members}); "
            "đây không phải một tài liệu Word/Excel thông thường."
        )
    total = sum(m.file_size for m in members)
    if total > limits.zip_max_total_bytes:
        raise FileTooComplex(
            f"Tệp khi giải nén lên tới {_mb(total)} (tối đa {_mb(limits.zip_max_total_bytes)}); "
            "hãy lưu lại tài liệu gọn hơn hoặc chia nhỏ."
        )
    for member in members:
        name = member.filename.lower()
        if name.endswith((".xml", ".rels")) and member.file_size > limits.zip_max_xml_bytes:
            raise FileTooComplex(
                f"Phần “{member.filename}” của tệp khi giải nén lên tới {_mb(member.file_size)} "
                f"(tối đa {_mb(limits.zip_max_xml_bytes)}); hãy chia nhỏ tài liệu."
            )
        if member.file_size > MB and member.file_size > limits.zip_max_ratio * max(
            member.compress_size, 1
        ):
            raise FileTooComplex(
                "Tệp có tỉ lệ nén bất thường (một phần nhỏ giải nén thành dữ liệu rất lớn); "
                "tệp này không được đọc."
            )


def check_text_length(text: str | int, limits: Limits | None = None) -> None:
    """Refuse a text (or a count of characters read so far) above `max_text_chars`."""
    limits = limits or current_limits()
    length = text if isinstance(text, int) else len(text)
    if length > limits.max_text_chars:
        raise FileTooComplex(
            f"Văn bản dài hơn {limits.max_text_chars:_} ký tự; "
            "hãy chia văn bản thành nhiều phần.".replace("_", ".")
        )
