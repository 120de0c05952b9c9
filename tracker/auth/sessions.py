"""How long a login lasts: idle and absolute limits, an office setting with config defaults.

A session unused for `idle_minutes` or older than `absolute_hours` is ended on the server
(`tracker.web.expire_idle_sessions`), whatever the browser keeps: an office computer left
logged in over lunch or overnight asks for the password again.
"""

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, session

from tracker.settings import get_setting, set_setting

SETTING_KEY = "session_limits"
#: how long a worker answers every request's check from memory before reading the office's
#: setting again: a change on the settings page reaches the other workers within this time
LIMITS_CACHE_SECONDS = 60.0
_CACHE = "tracker.session_limits"


@dataclass(frozen=True)
class SessionLimits:
    idle_minutes: int
    absolute_hours: int

    def __iter__(self):
        return iter((self.idle_minutes, self.absolute_hours))


def session_limits() -> SessionLimits:
    """The office's limits (setting `session_limits`), else SESSION_IDLE_MINUTES/_MAX_HOURS."""
    stored = get_setting(SETTING_KEY)
    value = stored if isinstance(stored, dict) else {}
    return SessionLimits(
        idle_minutes=int(value.get("idle_minutes") or current_app.config["SESSION_IDLE_MINUTES"]),
        absolute_hours=int(value.get("absolute_hours") or current_app.config["SESSION_MAX_HOURS"]),
    )


def cached_session_limits() -> SessionLimits:
    """`session_limits()` as every logged-in request checks them: read at most once a minute
    per worker process (issue 17: the check was one statement on every request, for a setting
    the office changes once a year). The settings page and the save read and write directly."""
    now = time.monotonic()
    cached = current_app.extensions.get(_CACHE)
    if cached is not None and now < cached[0]:
        return cached[1]
    limits = session_limits()
    current_app.extensions[_CACHE] = (now + LIMITS_CACHE_SECONDS, limits)
    return limits


def save_session_limits(idle_minutes: int, absolute_hours: int) -> None:
    """Store the office's limits; the caller commits. This worker applies them at once, the
    others within LIMITS_CACHE_SECONDS."""
    set_setting(SETTING_KEY, {"idle_minutes": idle_minutes, "absolute_hours": absolute_hours})
    current_app.extensions.pop(_CACHE, None)


def start_session_clock(now: datetime) -> None:
    """Stamp a new login's session: its absolute lifetime counts from here. The limits it will
    be held to are read now (when this worker has not read them within the minute), so that
    the first page after the login does not."""
    session["_started"] = session["_seen"] = int(now.timestamp())
    cached_session_limits()
