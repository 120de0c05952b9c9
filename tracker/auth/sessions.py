"""How long a login lasts: idle and absolute limits, an office setting with config defaults.

A session unused for `idle_minutes` or older than `absolute_hours` is ended on the server
(`tracker.web.expire_idle_sessions`), whatever the browser keeps: an office computer left
logged in over lunch or overnight asks for the password again.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, session

from tracker.extensions import db
from tracker.settings.models import Setting

SETTING_KEY = "session_limits"


@dataclass(frozen=True)
class SessionLimits:
    idle_minutes: int
    absolute_hours: int

    def __iter__(self):
        return iter((self.idle_minutes, self.absolute_hours))


def session_limits() -> SessionLimits:
    """The office's limits (setting `session_limits`), else SESSION_IDLE_MINUTES/_MAX_HOURS."""
    stored = db.session.get(Setting, SETTING_KEY)
    value = stored.value if stored is not None and isinstance(stored.value, dict) else {}
    return SessionLimits(
        idle_minutes=int(value.get("idle_minutes") or current_app.config["SESSION_IDLE_MINUTES"]),
        absolute_hours=int(value.get("absolute_hours") or current_app.config["SESSION_MAX_HOURS"]),
    )


def save_session_limits(idle_minutes: int, absolute_hours: int) -> None:
    """Store the office's limits; the caller commits."""
    stored = db.session.get(Setting, SETTING_KEY)
    value = {"idle_minutes": idle_minutes, "absolute_hours": absolute_hours}
    if stored is None:
        db.session.add(Setting(key=SETTING_KEY, value=value))
    else:
        stored.value = value


def start_session_clock(now: datetime) -> None:
    """Stamp a new login's session: its absolute lifetime counts from here."""
    session["_started"] = session["_seen"] = int(now.timestamp())
