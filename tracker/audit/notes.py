"""What an audit note (why a change was made) says to a reader: the timeline and the journal."""

from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker.i18n import format_date


def describe_note(note: dict[str, Any] | None) -> str | None:
    """One sentence for a recorded note, e.g. "Chuyển từ Sở X do hợp nhất ngày 01/07/2025"."""
    if not isinstance(note, dict):
        return None
    try:
        day = format_date(date.fromisoformat(note["on"])) if note.get("on") else ""
    except (TypeError, ValueError):
        day = str(note.get("on"))
    if note.get("kind") == "agency_merge":
        return _(
            "Chuyển từ %(old)s do hợp nhất ngày %(day)s",
            old=note.get("from", "?"),
            day=day,
        )
    if note.get("kind") == "agency_rename":
        return _(
            "Đổi tên từ %(old)s thành %(new)s ngày %(day)s",
            old=note.get("from", "?"),
            new=note.get("to", "?"),
            day=day,
        )
    return None
