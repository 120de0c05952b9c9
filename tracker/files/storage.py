"""Keep uploaded files on disk, refusing what is too large or not what it claims to be."""

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from tracker.extensions import db
from tracker.files.models import Attachment

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: extension → (content type, check of the first bytes)
ALLOWED = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF")),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(ZIP),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head.startswith(ZIP),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", lambda head: head.startswith(ZIP)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", lambda head: head.startswith(ZIP)),
    ".doc": ("application/msword", lambda head: head.startswith(OLE)),
    ".xls": ("application/vnd.ms-excel", lambda head: head.startswith(OLE)),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".zip": ("application/zip", lambda head: head.startswith(ZIP)),
    ".txt": ("text/plain; charset=utf-8", lambda head: b"\x00" not in head),
}


class UploadError(ValueError):
    """A user-facing reason (in Vietnamese) why a file was refused."""


def check_upload(upload: FileStorage | None) -> tuple[bytes, str, str] | None:
    """Return (content, filename, content type) of an acceptable upload, or None if empty.

    Raises UploadError for a file that is too large, of a forbidden type, or whose content
    does not match its extension (a renamed executable, say).
    """
    if upload is None or not upload.filename:
        return None
    name = upload.filename
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise UploadError(
            _(
                "Không nhận tệp “%(name)s”: chỉ nhận các loại %(allowed)s.",
                name=name,
                allowed=allowed,
            )
        )
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            _(
                "Tệp “%(name)s” quá lớn: tối đa %(mb)s MB mỗi tệp.",
                name=name,
                mb=limit // (1024 * 1024),
            )
        )
    if not data:
        raise UploadError(_("Tệp “%(name)s” rỗng.", name=name))
    content_type, looks_right = ALLOWED[suffix]
    if not looks_right(data[:16]):
        raise UploadError(
            _(
                "Nội dung tệp “%(name)s” không đúng với phần mở rộng %(suffix)s.",
                name=name,
                suffix=suffix,
            )
        )
    return data, name, content_type


def store(checked: tuple[bytes, str, str], **owner: int | None) -> Attachment:
    """Write checked content to disk and add its row (the caller commits)."""
    data, name, content_type = checked
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + Path(secure_filename(name) or "file").suffix.lower()
    (folder / stored_name).write_bytes(data)
    from tracker.audit import current_actor_id

    attachment = Attachment(
        filename=name[:255],
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        uploaded_by_id=current_actor_id(),
        **owner,
    )
    db.session.add(attachment)
    if content_type == "application/pdf":
        from tracker.files.signing import record_signature

        record_signature(attachment, data)  # verified once, here: pages read the stored verdict
    return attachment


def path_of(attachment: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / attachment.stored_name
