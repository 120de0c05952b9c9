"""Issue and read an agency's calendar address, and write its feed (RFC 5545).

Which obligations are open and whose they are is `tracker.deadlines.obligations` and
`tracker.deadlines.status`: the feed only picks the open ones with a due date and writes them
as all-day events (a deadline is a date, not a time of day), with an alarm the day before.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select, union_all

from tracker.agencies.models import Agency
from tracker.deadlines.obligations import PERIOD, VIA, arms, involves_agency_sql, rows_sql
from tracker.deadlines.status import is_open_sql
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.feeds.models import CalendarFeed
from tracker.reminders.emails import absolute_url
from tracker.tasks.models import Task
from tracker.timeutil import today, utcnow

#: the product identifier RFC 5545 requires in every calendar
PRODID = "-//tracker//Theo doi nhiem vu//VI"
TIMEZONE = "Asia/Ho_Chi_Minh"


def hash_token(token: str) -> str:
    """SHA-256 is enough: the token is 256 random bits, no dictionary can guess it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(agency: Agency) -> str:
    """A new secret for the agency's address, replacing (so revoking) the previous one.

    Only the hash is kept, so an existing address can never be shown again: asking for the
    address always issues a new one. The caller commits.
    """
    token = secrets.token_urlsafe(32)
    feed = db.session.execute(
        select(CalendarFeed).where(CalendarFeed.agency_id == agency.id)
    ).scalar_one_or_none()
    if feed is None:
        feed = CalendarFeed(agency_id=agency.id)
        db.session.add(feed)
    feed.token_hash = hash_token(token)
    feed.created_at = utcnow()
    db.session.flush()
    return token


def feed_url(token: str) -> str:
    """The full address a calendar application subscribes to."""
    return absolute_url("feeds.calendar", calendar_token=token)


def agency_for_token(token: str) -> Agency | None:
    """The agency whose live address carries ``token``; none for a wrong or revoked one."""
    if not token or len(token) > 200:
        return None
    return db.session.execute(
        select(Agency)
        .join(CalendarFeed, CalendarFeed.agency_id == Agency.id)
        .where(CalendarFeed.token_hash == hash_token(token))
    ).scalar_one_or_none()


def open_dated_obligations(agency_id: int, as_of: date) -> list:
    """The open obligations with a due date of the tasks the agency is involved in (what its
    officers see), soonest first."""
    parts = [
        rows_sql(
            arm,
            Task.content.label("content"),
            Directive.number.label("directive_number"),
            where=[
                involves_agency_sql(agency_id),
                arm.due_on.is_not(None),
                is_open_sql(as_of, done_on=arm.done_on, cancelled_on=arm.cancelled_on),
            ],
        ).join(Directive, Directive.id == Task.directive_id)
        for arm in arms(as_of)
    ]
    union = union_all(*parts).subquery()
    stmt = select(union).order_by(union.c.due_on, union.c.task_id, union.c.kind)
    return list(db.session.execute(stmt))


def _uid(row) -> str:
    """Stable per obligation, so a calendar updates an event instead of duplicating it."""
    tail = f"-{row.period_id}" if row.kind == PERIOD else ""
    return f"{row.kind}-{row.task_id}{tail}@tracker"


def _summary(row) -> str:
    parts = [row.content]
    if row.period_label:
        parts.append(row.period_label)
    if row.kind == VIA:
        parts.append("báo cáo tổng hợp")
    return f"[{row.directive_number}] " + " — ".join(parts)


def feed_ics(agency: Agency, as_of: date | None = None) -> bytes:
    """The agency's calendar: one all-day event per open dated obligation."""
    as_of = as_of or today()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Nhiệm vụ — {agency.name}")
    cal.add("x-wr-timezone", TIMEZONE)
    stamp = utcnow()
    for row in open_dated_obligations(agency.id, as_of):
        link = absolute_url("tasks.show", task_id=row.task_id)
        event = Event()
        event.add("uid", _uid(row))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.due_on)
        event.add("dtend", row.due_on + timedelta(days=1))
        event.add("summary", _summary(row))
        lines = [row.content, f"Văn bản: {row.directive_number}"]
        if row.period_label:
            lines.append(f"Kỳ báo cáo: {row.period_label}")
        lines.append(link)
        event.add("description", "\n".join(lines))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _summary(row))
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
