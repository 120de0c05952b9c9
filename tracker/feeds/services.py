"""Issue and read an agency's or a user's calendar address, and write its feed (RFC 5545).

Which obligations are open and whose they are is `tracker.deadlines.obligations` and
`tracker.deadlines.status`: the feed only picks the open ones with a due date and writes them
as all-day events (a deadline is a date, not a time of day), with an alarm the day before.

A user's own address lists what the user sees, bounded where "everything" would bury a phone:

- an agency officer: the agency's open dated obligations (the same events as the agency's feed);
- the office and leaders, who see every agency: only what needs attention — the obligations
  already overdue and those due within the next `USER_FEED_DAYS` days, each titled with the
  agency it is answerable to. An obligation further ahead appears as its day comes nearer
  (calendar applications refresh a subscription every few hours).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select, union_all

from tracker.agencies.models import Agency
from tracker.auth.models import Role, User
from tracker.deadlines.obligations import PERIOD, VIA, arms, involves_agency_sql, rows_sql
from tracker.deadlines.status import is_open_sql
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.feeds.models import CalendarFeed, UserCalendarFeed
from tracker.reminders.emails import absolute_url
from tracker.tasks.models import Task
from tracker.timeutil import today, utcnow

#: the product identifier RFC 5545 requires in every calendar
PRODID = "-//tracker//Theo doi nhiem vu//VI"
TIMEZONE = "Asia/Ho_Chi_Minh"
#: how far ahead the office's and leaders' own feeds look (overdue ones are always listed)
USER_FEED_DAYS = 30


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


def issue_user_token(user: User) -> str:
    """A new secret for the user's own address, revoking the previous one (caller commits)."""
    token = secrets.token_urlsafe(32)
    feed = db.session.execute(
        select(UserCalendarFeed).where(UserCalendarFeed.user_id == user.id)
    ).scalar_one_or_none()
    if feed is None:
        feed = UserCalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash = hash_token(token)
    feed.created_at = utcnow()
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user whose live address carries ``token``; none for a wrong or revoked one,
    or a deactivated account."""
    if not token or len(token) > 200:
        return None
    user = db.session.execute(
        select(User)
        .join(UserCalendarFeed, UserCalendarFeed.user_id == User.id)
        .where(UserCalendarFeed.token_hash == hash_token(token))
    ).scalar_one_or_none()
    return user if user is not None and user.active else None


def open_dated_obligations(agency_id: int, as_of: date) -> list:
    """The open obligations with a due date of the tasks the agency is involved in (what its
    officers see), soonest first."""
    return _obligations(as_of, lambda arm: [involves_agency_sql(agency_id)])


def user_obligations(user: User, as_of: date) -> list:
    """What the user's own feed lists (see the module's docstring)."""
    if user.role == Role.AGENCY_OFFICER:
        if user.agency_id is None:
            return []
        return open_dated_obligations(user.agency_id, as_of)
    until = as_of + timedelta(days=USER_FEED_DAYS)
    return _obligations(as_of, lambda arm: [arm.due_on <= until])


def _obligations(as_of: date, where) -> list:
    """Open dated obligations passing ``where(arm)``, soonest first, with the task's content,
    the directive's number and the answerable agency's name."""
    parts = [
        rows_sql(
            arm,
            Task.content.label("content"),
            Directive.number.label("directive_number"),
            Agency.name.label("agency_name"),
            where=[
                *where(arm),
                arm.due_on.is_not(None),
                is_open_sql(as_of, done_on=arm.done_on, cancelled_on=arm.cancelled_on),
            ],
        )
        .join(Directive, Directive.id == Task.directive_id)
        .join(Agency, Agency.id == arm.agency_id)
        for arm in arms(as_of)
    ]
    union = union_all(*parts).subquery()
    stmt = select(union).order_by(union.c.due_on, union.c.task_id, union.c.kind)
    return list(db.session.execute(stmt))


def _uid(row) -> str:
    """Stable per obligation, so a calendar updates an event instead of duplicating it."""
    tail = f"-{row.period_id}" if row.kind == PERIOD else ""
    return f"{row.kind}-{row.task_id}{tail}@tracker"


def _summary(row, with_agency: bool = False) -> str:
    parts = [row.content]
    if row.period_label:
        parts.append(row.period_label)
    if row.kind == VIA:
        parts.append("báo cáo tổng hợp")
    if with_agency:
        parts.append(row.agency_name)
    return f"[{row.directive_number}] " + " — ".join(parts)


def feed_ics(agency: Agency, as_of: date | None = None) -> bytes:
    """The agency's calendar: one all-day event per open dated obligation."""
    as_of = as_of or today()
    return _calendar(f"Nhiệm vụ — {agency.name}", open_dated_obligations(agency.id, as_of))


def user_feed_ics(user: User, as_of: date | None = None) -> bytes:
    """The user's own calendar (what it lists depends on the role: see the module)."""
    as_of = as_of or today()
    return _calendar(
        f"Nhiệm vụ — {user.full_name}",
        user_obligations(user, as_of),
        with_agency=user.role != Role.AGENCY_OFFICER,
    )


def _calendar(name: str, rows: list, with_agency: bool = False) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIMEZONE)
    stamp = utcnow()
    for row in rows:
        link = absolute_url("tasks.show", task_id=row.task_id)
        event = Event()
        event.add("uid", _uid(row))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.due_on)
        event.add("dtend", row.due_on + timedelta(days=1))
        event.add("summary", _summary(row, with_agency))
        lines = [row.content, f"Văn bản: {row.directive_number}", f"Đơn vị: {row.agency_name}"]
        if row.period_label:
            lines.append(f"Kỳ báo cáo: {row.period_label}")
        lines.append(link)
        event.add("description", "\n".join(lines))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _summary(row, with_agency))
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
