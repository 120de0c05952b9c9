"""The one place that knows the clock and the committee's time zone.

Datetimes are stored aware and in UTC; local time (Asia/Ho_Chi_Minh by default) is used
only at the edges: deciding what "today" is, and showing times to people.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def utcnow() -> datetime:
    """Return the current time, aware, in UTC.

    An app may pin the clock with the `TRACKER_NOW` setting (an aware datetime or ISO
    text): the tests and the demo of a past quarter use it instead of patching time.
    """
    try:
        from flask import current_app

        pinned = current_app.config.get("TRACKER_NOW")
    except RuntimeError:  # outside an application context
        pinned = None
    if pinned:
        if isinstance(pinned, str):
            pinned = datetime.fromisoformat(pinned)
        return pinned.astimezone(UTC)
    return datetime.now(UTC)


def zone(name: str | None = None) -> ZoneInfo:
    """Return the configured zone (the app's TRACKER_TIMEZONE when inside an app)."""
    if name is None:
        try:
            from flask import current_app

            name = current_app.config.get("TRACKER_TIMEZONE", DEFAULT_TIMEZONE)
        except RuntimeError:  # outside an application context
            name = DEFAULT_TIMEZONE
    return ZoneInfo(name)


def local_date(moment: datetime, tz: ZoneInfo | None = None) -> date:
    """Return the calendar date of an aware `moment` in the committee's zone."""
    return moment.astimezone(tz or zone()).date()


def today(tz: ZoneInfo | None = None) -> date:
    """Return today's date in the committee's zone."""
    return local_date(utcnow(), tz)
