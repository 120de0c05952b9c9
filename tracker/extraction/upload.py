"""The uploaded notice between the review and the save: kept in the upload folder under a
temporary name and named in the form only by a signed token, never by a path.

The review exists only in the browser's page until "Lưu"; the file must survive the round
trips (bulk actions, a failed save) without trusting anything the form sends back.
"""

import os
import re
import secrets
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.files.storage import ALLOWED

#: a review left open over a working day still saves its file
TOKEN_MAX_AGE = 2 * 24 * 3600
PENDING = re.compile(r"^pending-[0-9a-f]{32}\.[a-z0-9]{1,5}$")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="extraction-upload")


def keep_pending(filename: str, data: bytes) -> str | None:
    """Write the upload under a temporary name; return the token for the review form.

    None when the file is not one the attachments accept (its type or size), so the notice is
    still read and reviewed, only not kept.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ALLOWED or not data:
        return None
    content_type, looks_right = ALLOWED[suffix]
    if len(data) > current_app.config["ATTACHMENT_MAX_BYTES"] or not looks_right(data[:16]):
        return None
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"pending-{secrets.token_hex(16)}{suffix}"
    (folder / stored).write_bytes(data)
    return _serializer().dumps(
        {"stored": stored, "filename": filename[:255], "type": content_type, "size": len(data)}
    )


def pending_file(token: str | None) -> dict | None:
    """What a token names, if it is ours, fresh, and its file is still there."""
    if not token:
        return None
    try:
        info = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(info, dict) or not PENDING.match(str(info.get("stored", ""))):
        return None
    if not (Path(current_app.config["UPLOAD_DIR"]) / info["stored"]).is_file():
        return None
    return info


def attach_pending(info: dict, directive_id: int, uploaded_by_id: int | None) -> Attachment:
    """Give the pending file its permanent name and row (the caller commits)."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    stored = info["stored"].removeprefix("pending-")
    os.replace(folder / info["stored"], folder / stored)
    attachment = Attachment(
        directive_id=directive_id,
        filename=info["filename"],
        stored_name=stored,
        content_type=info["type"],
        size=int(info["size"]),
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(attachment)
    return attachment
