"""The office's working calendar: the package's holidays and the days off and worked
Saturdays the office adds (cached for a request)."""

from __future__ import annotations

from datetime import date

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.models import (
    CalendarException,
)
from tracker.deadlines.services.errors import DeadlineError, _fmt
from tracker.extensions import db

_CALENDAR_KEY = "_tracker_working_calendar"


def working_calendar() -> WorkingCalendar:
    """The national calendar plus the office's exceptions, computed once per app context
    (one request, one CLI command, one scheduler run)."""
    cached = g.get(_CALENDAR_KEY)
    if cached is None:
        rows = db.session.execute(select(CalendarException.day, CalendarException.kind)).all()
        cached = WorkingCalendar(
            extra_days_off=[r.day for r in rows if r.kind == "off"],
            working_days=[r.day for r in rows if r.kind == "working"],
        )
        setattr(g, _CALENDAR_KEY, cached)
    return cached


def _forget_calendar() -> None:
    g.pop(_CALENDAR_KEY, None)


def add_calendar_exception(day: date | None, kind: str, note: str = "") -> CalendarException:
    """Add a day off or a working Saturday the Government (or the Chairman) announced."""
    if day is None:
        raise DeadlineError("day", _("Vui lòng nhập ngày."))
    if kind not in ("off", "working"):
        raise DeadlineError("kind", _("Vui lòng chọn loại ngày (nghỉ hoặc làm việc)."))
    existing = db.session.execute(
        select(CalendarException).where(CalendarException.day == day)
    ).scalar_one_or_none()
    if existing is not None:
        raise DeadlineError(
            "day", _("Ngày %(day)s đã có trong danh sách ngày nghỉ, làm bù.", day=_fmt(day))
        )
    national = WorkingCalendar()
    if kind == "off" and not national.is_working_day(day):
        reason = national.day_off_reason(day)
        raise DeadlineError(
            "day",
            _("Ngày %(day)s vốn đã là ngày nghỉ (%(reason)s).", day=_fmt(day), reason=_(reason)),
        )
    if kind == "working" and national.is_working_day(day):
        raise DeadlineError("day", _("Ngày %(day)s vốn đã là ngày làm việc.", day=_fmt(day)))
    row = CalendarException(day=day, kind=kind, note=(note or "").strip()[:255])
    db.session.add(row)
    db.session.flush()
    _forget_calendar()
    return row


def delete_calendar_exception(row: CalendarException) -> None:
    db.session.delete(row)
    db.session.flush()
    _forget_calendar()
