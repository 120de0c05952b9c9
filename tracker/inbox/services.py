"""Receive, flag, process and discard incoming documents (the caller commits).

The file rules are those of every reader: the types the inbox takes (PDF, DOCX, TXT), the
attachment size limit, the first bytes matching the extension, and then `read_document`, which
applies tracker/files/limits.py (ZIP directory, PDF pages, length of the text) before anything
is parsed. A document whose text cannot be read is refused at the door, with the reader's
Vietnamese message, rather than waiting in the inbox for a review that cannot run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.extraction import UnsupportedDocument, read_document
from tracker.extraction.header import parse_header
from tracker.files.models import Attachment
from tracker.files.storage import ALLOWED, store
from tracker.inbox.models import IncomingDocument, IncomingSource, IncomingState
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)

#: what the document system sends: the formats the extraction reads
INBOX_SUFFIXES = (".pdf", ".docx", ".txt")
#: names a writer uses while the file is not complete yet (write, then rename)
_UNFINISHED = (".part", ".tmp", ".crdownload")
SIDECAR = ".json"
DONE, FAILED, WORK = "done", "failed", ".processing"


class IncomingError(ValueError):
    """Why a document was refused; `field` names the input (file, number, issued_on …)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class IncomingInput:
    filename: str
    data: bytes
    number: str = ""
    issued_on: date | None = None
    title: str = ""
    issuer: str = ""
    source: str = IncomingSource.API.value


@dataclass
class Duplicates:
    """What else carries the same number in the same year."""

    directives: list[Directive] = field(default_factory=list)
    incoming: list[IncomingDocument] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.directives or self.incoming)


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(doc: IncomingDocument) -> Path:
    return _folder() / doc.stored_name


def _checked_file(filename: str, data: bytes) -> tuple[str, str]:
    """(suffix, content type) of an acceptable file, or IncomingError with the reason."""
    name = (filename or "").strip()
    suffix = Path(name).suffix.lower()
    if not name:
        raise IncomingError("file", _("Chọn tệp văn bản (PDF, DOCX hoặc TXT)."))
    if suffix not in INBOX_SUFFIXES:
        raise IncomingError(
            "file",
            _(
                "Không nhận tệp “%(name)s”: văn bản đến chỉ nhận tệp PDF, DOCX hoặc TXT.",
                name=name,
            ),
        )
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise IncomingError(
            "file",
            _(
                "Tệp “%(name)s” quá lớn: tối đa %(mb)s MB mỗi tệp.",
                name=name,
                mb=limit // (1024 * 1024),
            ),
        )
    if not data:
        raise IncomingError("file", _("Tệp “%(name)s” rỗng.", name=name))
    content_type, looks_right = ALLOWED[suffix]
    if not looks_right(data[:16]):
        raise IncomingError(
            "file",
            _(
                "Nội dung tệp “%(name)s” không đúng với phần mở rộng %(suffix)s.",
                name=name,
                suffix=suffix,
            ),
        )
    return suffix, content_type


def receive(
    data: IncomingInput, *, received_by_id: int | None = None
) -> tuple[IncomingDocument, Duplicates]:
    """Check and read the file, keep it, and add the incoming document (pending).

    Metadata the sender left out is taken from the text's own header (số/ký hiệu, ngày ban
    hành, trích yếu, cơ quan ban hành), as the review would propose it.
    """
    suffix, content_type = _checked_file(data.filename, data.data)
    try:
        text = read_document(data.filename, data.data)
    except UnsupportedDocument as error:
        raise IncomingError("file", error.message) from None
    if not text.strip():
        raise IncomingError("file", _("Không đọc được chữ trong tệp (tệp quét cần có lớp chữ)."))
    number = " ".join((data.number or "").split())
    if len(number) > 100:
        raise IncomingError("number", _("Số/ký hiệu tối đa 100 ký tự."))
    issuer = " ".join((data.issuer or "").split())
    if len(issuer) > 255:
        raise IncomingError("issuer", _("Cơ quan ban hành tối đa 255 ký tự."))
    header = parse_header(text)
    doc = IncomingDocument(
        number=number or (header.number or "")[:100],
        issued_on=data.issued_on or header.issued,
        title=(data.title or "").strip() or (header.title or ""),
        issuer=issuer or (header.issuer or "")[:255],
        filename=Path(data.filename.replace("\\", "/")).name[:255],
        stored_name=f"inbox-{secrets.token_hex(16)}{suffix}",
        content_type=content_type,
        size=len(data.data),
        sha256=hashlib.sha256(data.data).hexdigest(),
        text=text,
        source=data.source,
        state=IncomingState.PENDING.value,
        received_by_id=received_by_id,
        received_at=utcnow(),
    )
    doc.year = doc.issued_on.year if doc.issued_on else None
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / doc.stored_name).write_bytes(data.data)
    db.session.add(doc)
    db.session.flush()
    return doc, duplicates(doc)


def duplicates(doc: IncomingDocument) -> Duplicates:
    """Directives and other live incoming documents with the same number in the same year."""
    if not doc.number or doc.year is None:
        return Duplicates()
    same = select(Directive).where(Directive.number == doc.number, Directive.year == doc.year)
    if doc.directive_id is not None:  # the directive it became is not a duplicate of it
        same = same.where(Directive.id != doc.directive_id)
    directives = db.session.execute(same.order_by(Directive.id)).scalars()
    others = db.session.execute(
        select(IncomingDocument)
        .where(
            IncomingDocument.number == doc.number,
            IncomingDocument.year == doc.year,
            IncomingDocument.id != doc.id,
            IncomingDocument.state != IncomingState.DISCARDED.value,
            # a document processed into a directive is already counted as that directive
            IncomingDocument.directive_id.is_(None),
        )
        .order_by(IncomingDocument.id)
    ).scalars()
    return Duplicates(list(directives), list(others))


def pending_count() -> int:
    return db.session.execute(
        select(func.count(IncomingDocument.id)).where(
            IncomingDocument.state == IncomingState.PENDING.value
        )
    ).scalar_one()


def pending_documents() -> list[tuple[IncomingDocument, Duplicates]]:
    """The waiting documents, oldest first (the order they arrived in), with their flags."""
    docs = db.session.execute(
        select(IncomingDocument)
        .where(IncomingDocument.state == IncomingState.PENDING.value)
        .order_by(IncomingDocument.received_at, IncomingDocument.id)
    ).scalars()
    return [(doc, duplicates(doc)) for doc in docs]


def recent_decided(limit: int = 20) -> list[IncomingDocument]:
    """The last documents processed or discarded, for the page's history."""
    return list(
        db.session.execute(
            select(IncomingDocument)
            .where(IncomingDocument.state != IncomingState.PENDING.value)
            .order_by(IncomingDocument.decided_at.desc(), IncomingDocument.id.desc())
            .limit(limit)
        ).scalars()
    )


def pending_by_id(value: object) -> IncomingDocument | None:
    """The pending document a form names (by id), or None for anything else."""
    try:
        doc_id = int(str(value))
    except ValueError:
        return None
    doc = db.session.get(IncomingDocument, doc_id)
    return doc if doc is not None and doc.is_pending else None


def mark_processed(doc: IncomingDocument, directive: Directive, user_id: int | None) -> Attachment:
    """The file becomes the directive's attachment (signatures verified as for any PDF), the
    document is marked processed with a link to the directive. The inbox's copy of the file
    is removed by `forget_file` after the commit."""
    if not doc.is_pending:
        raise IncomingError("state", _("Văn bản đến này đã được xử lý."))
    path = path_of(doc)
    if not path.is_file():
        raise IncomingError("file", _("Tệp của văn bản đến không còn trên máy chủ."))
    attachment = store(
        (path.read_bytes(), doc.filename, doc.content_type), directive_id=directive.id
    )
    doc.state = IncomingState.PROCESSED.value
    doc.directive_id = directive.id
    doc.decided_by_id = user_id
    doc.decided_at = utcnow()
    db.session.flush()
    return attachment


def discard(doc: IncomingDocument, user_id: int | None, note: str = "") -> None:
    """The office decides the document needs no directive (a duplicate, a wrong recipient)."""
    if not doc.is_pending:
        raise IncomingError("state", _("Văn bản đến này đã được xử lý."))
    doc.state = IncomingState.DISCARDED.value
    doc.decided_by_id = user_id
    doc.decided_at = utcnow()
    doc.note = (note or "").strip()[:2000]
    db.session.flush()


def forget_file(doc: IncomingDocument) -> None:
    """Remove the inbox's copy once the decision is committed (processed: the attachment
    has its own copy; discarded: nothing needs it)."""
    try:
        path_of(doc).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - a leftover file harms nothing
        log.warning("could not remove %s", doc.stored_name)


# -- the watched folder --------------------------------------------------------------------


@dataclass
class FolderResult:
    imported: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _candidates(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if not path.is_file() or name.startswith((".", "~$")):
            continue
        if name.lower().endswith((SIDECAR, *_UNFINISHED)):
            continue
        files.append(path)
    return files


def _move(path: Path, target_folder: Path) -> Path:
    """Move into `target_folder` without overwriting an earlier file of the same name."""
    target_folder.mkdir(exist_ok=True)
    target = target_folder / path.name
    if target.exists():
        target = target_folder / f"{utcnow():%Y%m%d%H%M%S}-{secrets.token_hex(3)}-{path.name}"
    os.replace(path, target)
    return target


def _sidecar(path: Path) -> dict:
    """The metadata written beside the file (`<file>.json`), if the document system wrote one."""
    sidecar = path.with_name(path.name + SIDECAR)
    if not sidecar.is_file():
        return {}
    try:
        value = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise IncomingError(
            "metadata", _("Tệp thông tin kèm theo (.json) không đọc được.")
        ) from error
    return value if isinstance(value, dict) else {}


def _metadata(meta: dict) -> dict:
    issued = meta.get("issued_on") or ""
    try:
        issued_on = date.fromisoformat(str(issued)) if issued else None
    except ValueError:
        raise IncomingError("issued_on", _("Ngày ban hành phải có dạng YYYY-MM-DD.")) from None
    return {
        "number": str(meta.get("number") or ""),
        "issued_on": issued_on,
        "title": str(meta.get("title") or ""),
        "issuer": str(meta.get("issuer") or ""),
    }


def import_folder(folder: Path) -> FolderResult:
    """Import every finished file of `folder` (and its `<file>.json` metadata, if any).

    Each file is first claimed by renaming it into `.processing/` (atomic: a second run at the
    same moment does not see it), then moved to `done/` or to `failed/` (with `<file>.loi.txt`
    saying why). A file whose bytes are already in the inbox (a run interrupted after its
    commit, or the same export dropped again) goes to `done/` without a second document. Each
    file is its own transaction: one bad file does not stop the others.
    """
    result = FolderResult()
    work = folder / WORK
    work.mkdir(exist_ok=True)
    # files left in .processing by an interrupted run are tried again (the hash check below
    # keeps one already committed from being imported twice)
    claimed = list(_candidates(work))
    for path in _candidates(folder):
        try:
            os.replace(path, work / path.name)
        except FileNotFoundError:  # another run claimed it first
            continue
        sidecar = path.with_name(path.name + SIDECAR)
        if sidecar.is_file():
            os.replace(sidecar, work / sidecar.name)
        claimed.append(work / path.name)
    for path in claimed:
        sidecar = path.with_name(path.name + SIDECAR)
        try:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            known = db.session.execute(
                select(IncomingDocument.id).where(
                    IncomingDocument.sha256 == digest,
                    IncomingDocument.source == IncomingSource.FOLDER.value,
                )
            ).first()
            if known is not None:
                result.skipped.append(path.name)
            else:
                meta = _metadata(_sidecar(path))
                doc, _dups = receive(
                    IncomingInput(
                        filename=path.name, data=data, source=IncomingSource.FOLDER.value, **meta
                    )
                )
                db.session.commit()
                result.imported.append((path.name, doc.id))
        except IncomingError as error:
            db.session.rollback()
            failed = _move(path, folder / FAILED)
            failed.with_name(failed.name + ".loi.txt").write_text(str(error) + "\n", "utf-8")
            if sidecar.is_file():
                _move(sidecar, folder / FAILED)
            result.failed.append((path.name, str(error)))
            continue
        _move(path, folder / DONE)
        if sidecar.is_file():
            _move(sidecar, folder / DONE)
    return result
