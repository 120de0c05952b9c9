"""Producing notifications (called by the services that make the writes) and reading them.

Producers add rows to the current transaction and never commit: the caller's commit saves the
write, its notifications and its emails together, and a rollback drops all three. Every row is
inserted "on conflict do nothing" on its unique key, so producing the same event twice is
harmless.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, delete, exists, false, func, select
from sqlalchemy.orm import selectinload

from tracker.agencies.models import Agency, AgencyContact
from tracker.auth.models import OFFICE_ROLES, User
from tracker.deadlines.models import ExtensionState
from tracker.extensions import db
from tracker.notifications.models import (
    Audience,
    Notification,
    NotificationCursor,
    NotificationRead,
)
from tracker.reminders.models import KIND_LABELS
from tracker.tasks.models import Task
from tracker.timeutil import today, utcnow
from tracker.webhooks import services as webhooks

if TYPE_CHECKING:
    from tracker.comments.models import TaskComment
    from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
    from tracker.directives.models import Directive
    from tracker.reminders.sweep import AgencyDigest
    from tracker.subassign.models import SubAssignment

PER_PAGE = 20
#: an agency's part in a task, in the order the email lists them
ROLES = ("lead", "co", "via")


# -- who sees what ---------------------------------------------------------------------------


def audience_of(user: User) -> ColumnElement[bool]:
    """The notifications `user` may see (SQL): their agency's, the office's or the leaders'."""
    if user.is_office:
        return Notification.audience == Audience.OFFICE.value
    if user.is_leader:
        return Notification.audience == Audience.LEADER.value
    if user.is_agency and user.agency_id is not None:
        return and_(
            Notification.audience == Audience.AGENCY.value,
            Notification.agency_id == user.agency_id,
        )
    return false()


def _cursor(user_id: int):
    return (
        select(NotificationCursor.read_through_id)
        .where(NotificationCursor.user_id == user_id)
        .scalar_subquery()
    )


def _unread(user: User) -> ColumnElement[bool]:
    read = exists().where(
        NotificationRead.user_id == user.id, NotificationRead.notification_id == Notification.id
    )
    return and_(Notification.id > func.coalesce(_cursor(user.id), 0), ~read)


def unread_count(user: User) -> int:
    """The bell's number: one statement, over the (audience, agency_id, id) index."""
    return db.session.execute(
        select(func.count(Notification.id)).where(audience_of(user), _unread(user))
    ).scalar_one()


@dataclass
class NotificationPage:
    pagination: Any
    unread_ids: set[int] = field(default_factory=set)
    unread_total: int = 0


def page_for(user: User, page: int = 1, *, only_unread: bool = False) -> NotificationPage:
    """One page of `user`'s notifications, newest first, with which of them are unread."""
    stmt = (
        select(Notification)
        .where(audience_of(user))
        .options(selectinload(Notification.task), selectinload(Notification.directive))
        .order_by(Notification.id.desc())
    )
    if only_unread:
        stmt = stmt.where(_unread(user))
    pagination = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
    ids = [n.id for n in pagination.items]
    unread_ids: set[int] = set()
    if ids:
        unread_ids = set(
            db.session.execute(
                select(Notification.id).where(Notification.id.in_(ids), _unread(user))
            ).scalars()
        )
    return NotificationPage(pagination, unread_ids, unread_count(user))


def get_visible(user: User, notification_id: int) -> Notification | None:
    """The notification if `user` may see it, else None (the view answers 404)."""
    return db.session.execute(
        select(Notification).where(Notification.id == notification_id, audience_of(user))
    ).scalar_one_or_none()


def mark_read(user: User, notification: Notification) -> None:
    """Mark one notification read for `user` (the caller commits); twice is harmless."""
    _insert_ignore(
        NotificationRead,
        {"user_id": user.id, "notification_id": notification.id, "read_at": utcnow()},
        ("user_id", "notification_id"),
    )


def mark_all_read(user: User) -> int:
    """Move `user`'s cursor to the newest notification they can see; return how many were
    unread. Individual marks below the cursor are no longer needed and go."""
    unread = unread_count(user)
    newest = db.session.execute(
        select(func.max(Notification.id)).where(audience_of(user))
    ).scalar_one()
    if newest is None:
        return 0
    cursor = db.session.get(NotificationCursor, user.id)
    if cursor is None:
        db.session.add(NotificationCursor(user_id=user.id, read_through_id=newest))
    elif cursor.read_through_id < newest:
        cursor.read_through_id = newest
        cursor.updated_at = utcnow()
    db.session.execute(
        delete(NotificationRead).where(
            NotificationRead.user_id == user.id, NotificationRead.notification_id <= newest
        )
    )
    db.session.flush()
    return unread


# -- what a notification says ------------------------------------------------------------------


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else _("không thời hạn")


def _period(d: dict[str, Any]) -> str:
    """ " (kỳ báo cáo …)" when the event concerns one period of a recurring task."""
    if not d.get("period"):
        return ""
    from tracker.i18n import period_label

    return " " + _("(kỳ báo cáo %(period)s)", period=period_label(d["period"]))


def message(n: Notification) -> str:
    """The notification's sentence, in the reader's language."""
    d = n.data or {}
    number = d.get("number", "")
    if n.kind == "assigned":
        role = d.get("role")
        if role == "co":
            text = _("Đơn vị được giao phối hợp thực hiện nhiệm vụ tại văn bản số %(number)s")
        elif role == "via":
            text = _("Đơn vị được giao tổng hợp, báo cáo nhiệm vụ tại văn bản số %(number)s")
        else:
            text = _("Đơn vị được giao chủ trì nhiệm vụ tại văn bản số %(number)s")
        if not d.get("due"):
            return text % {"number": number} + "; " + _("không thời hạn.")
        return text % {"number": number} + "; " + _("thời hạn %(due)s.", due=_day(d.get("due")))
    if n.kind == "extension_approved":
        return _(
            "Đề nghị gia hạn được chấp thuận: thời hạn mới %(due)s.", due=_day(d.get("new_due"))
        ) + _period(d)
    if n.kind == "extension_refused":
        return _(
            "Đề nghị gia hạn không được chấp thuận. Lý do: %(note)s", note=d.get("note", "")
        ) + _period(d)
    if n.kind == "extension_requested":
        return _(
            "%(agency)s đề nghị gia hạn đến %(requested)s (thời hạn hiện tại %(due)s).",
            agency=d.get("agency", ""),
            requested=_day(d.get("requested")),
            due=_day(d.get("due")),
        ) + _period(d)
    if n.kind == "reopened":
        return _(
            "Văn phòng UBND tỉnh trả lại kết quả hoàn thành, nhiệm vụ được mở lại. Lý do: "
            "%(reason)s",
            reason=d.get("reason", ""),
        )
    if n.kind == "period_reopened":
        from tracker.i18n import period_label

        return _(
            "Văn phòng UBND tỉnh trả lại báo cáo kỳ %(period)s, kỳ báo cáo được mở lại.",
            period=period_label(d.get("period")),
        )
    if n.kind == "completion_returned":
        return _(
            "Văn phòng UBND tỉnh trả lại báo cáo hoàn thành tại văn bản số %(number)s. "
            "Lý do: %(reason)s",
            number=number,
            reason=d.get("reason", ""),
        ) + _period(d)
    if n.kind == "completion_submitted":
        return _(
            "%(agency)s báo cáo hoàn thành nhiệm vụ tại văn bản số %(number)s, chờ xác nhận.",
            agency=d.get("agency", ""),
            number=number,
        ) + _period(d)
    if n.kind == "directive_saved":
        if d.get("added"):
            return _(
                "Bổ sung %(count)s nhiệm vụ vào văn bản số %(number)s.",
                count=d.get("count", 0),
                number=number,
            )
        return _(
            "Văn bản số %(number)s đã được nhập với %(count)s nhiệm vụ.",
            number=number,
            count=d.get("count", 0),
        )
    if n.kind == "direction":
        return _(
            "Ý kiến chỉ đạo của %(author)s về nhiệm vụ tại văn bản số %(number)s: %(excerpt)s",
            author=d.get("author", ""),
            number=number,
            excerpt=d.get("excerpt", ""),
        )
    if n.kind == "subassigned":
        text = _(
            "%(by)s giao %(assignee)s xử lý nhiệm vụ tại văn bản số %(number)s",
            by=d.get("by", ""),
            assignee=d.get("assignee", ""),
            number=number,
        )
        if d.get("due"):
            return text + "; " + _("hạn xử lý nội bộ %(due)s.", due=_day(d.get("due")))
        return text + "."
    if n.kind == "comment":
        return _(
            "%(agency)s trao đổi về nhiệm vụ tại văn bản số %(number)s: %(excerpt)s",
            agency=d.get("agency", ""),
            number=number,
            excerpt=d.get("excerpt", ""),
        )
    if n.kind in KIND_LABELS:
        label = _(KIND_LABELS[n.kind])
        if d.get("agency"):  # the leaders' copy of an escalation names the agency
            label = f"{d['agency']} — {label}"
        if d.get("due"):
            return _("%(label)s: thời hạn %(due)s.", label=label, due=_day(d.get("due")))
        return label + "."
    return n.kind


def link_endpoint(n: Notification) -> tuple[str, dict[str, int]] | None:
    """Where the notification leads: its task, else its directive."""
    if n.task_id is not None:
        return "tasks.show", {"task_id": n.task_id}
    if n.directive_id is not None:
        return "directives.show", {"directive_id": n.directive_id}
    return None


# -- writing rows ----------------------------------------------------------------------------


def _insert_ignore(model: type, values: dict[str, Any], conflict: Sequence[str]) -> bool:
    """Insert a row unless its unique key is taken; True when it was new."""
    from sqlalchemy.dialects import postgresql, sqlite

    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = module.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    return db.session.execute(stmt).rowcount == 1


def _insert_ignore_many(
    model: type, rows: Sequence[dict[str, Any]], conflict: Sequence[str], batch: int = 200
) -> None:
    """`_insert_ignore` for many rows, a few hundred per statement."""
    from sqlalchemy.dialects import postgresql, sqlite

    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    if not rows:
        return
    # executemany of one cached statement (a multi-VALUES statement is compiled anew each time)
    stmt = module.insert(model).on_conflict_do_nothing(index_elements=conflict)
    for start in range(0, len(rows), batch):
        db.session.execute(stmt, list(rows[start : start + batch]))


def _notification_row(
    key: str,
    kind: str,
    audience: Audience,
    *,
    agency_id: int | None = None,
    task_id: int | None = None,
    directive_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    target = f"{audience.value}:{agency_id}" if audience is Audience.AGENCY else audience.value
    return {
        "dedup_key": f"{key}:{target}"[:200],
        "kind": kind,
        "audience": audience.value,
        "agency_id": agency_id,
        "task_id": task_id,
        "directive_id": directive_id,
        "data": data or {},
        "created_at": utcnow(),
    }


def _notify(
    key: str,
    kind: str,
    audience: Audience,
    *,
    agency_id: int | None = None,
    task_id: int | None = None,
    directive_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> bool:
    target = f"{audience.value}:{agency_id}" if audience is Audience.AGENCY else audience.value
    return _insert_ignore(
        Notification,
        {
            "dedup_key": f"{key}:{target}"[:200],
            "kind": kind,
            "audience": audience.value,
            "agency_id": agency_id,
            "task_id": task_id,
            "directive_id": directive_id,
            "data": data or {},
            "created_at": utcnow(),
        },
        ("dedup_key",),
    )


def agency_mailboxes(agency_ids: Iterable[int]) -> dict[int, list[str]]:
    """The addresses that receive an agency's mail (the digest's: contacts marked for it)."""
    ids = list(set(agency_ids))
    boxes: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return boxes
    for agency_id, email in db.session.execute(
        select(AgencyContact.agency_id, AgencyContact.email)
        .join(Agency, Agency.id == AgencyContact.agency_id)
        .where(
            AgencyContact.agency_id.in_(ids),
            AgencyContact.receives_digest.is_(True),
            Agency.active.is_(True),
        )
        .order_by(AgencyContact.email)
    ):
        boxes[agency_id].append(email)
    return boxes


def office_mailboxes() -> list[str]:
    """TRACKER_OFFICE_EMAIL and every active office user."""
    office = current_app.config.get("TRACKER_OFFICE_EMAIL")
    users = db.session.execute(
        select(User.email)
        .where(User.role.in_([r.value for r in OFFICE_ROLES]), User.active.is_(True))
        .order_by(User.email)
    ).scalars()
    return list(dict.fromkeys([e for e in (office, *users) if e]))


def _queue_email(
    key: str,
    kind: str,
    recipients: list[str],
    rendered: tuple[str, str, str],
    *,
    agency_id: int | None = None,
) -> bool:
    """Put one email in the outbox under its unique key (nothing when nobody can receive it)."""
    from tracker.reminders.models import OutboxEmail, OutboxStatus

    if not recipients:
        return False
    subject, body_text, body_html = rendered
    return _insert_ignore(
        OutboxEmail,
        {
            "dedup_key": key[:120],
            "kind": kind,
            "agency_id": agency_id,
            "for_day": today(),
            "recipients": recipients,
            "cc": [],
            "subject": subject[:255],
            "body_text": body_text,
            "body_html": body_html,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "created_at": utcnow(),
        },
        ("dedup_key",),
    )


# -- producers -------------------------------------------------------------------------------


@dataclass
class Assignment:
    """One task as one agency is told about it."""

    task: Task
    roles: list[str]

    @property
    def role(self) -> str:
        return self.roles[0]


def assignments_by_agency(tasks: Iterable[Task]) -> dict[int, list[Assignment]]:
    """Each lead, co- and via agency of `tasks` with its tasks and its part in each."""
    by_agency: dict[int, dict[int, Assignment]] = defaultdict(dict)
    for task in tasks:
        parts = [("lead", task.lead_agency_id)]
        parts += [("co", a.id) for a in task.co_agencies]
        if task.via_agency_id:
            parts.append(("via", task.via_agency_id))
        for role, agency_id in parts:
            if agency_id is None:
                continue
            entry = by_agency[agency_id].setdefault(task.id, Assignment(task, []))
            if role not in entry.roles:
                entry.roles.append(role)
    return {aid: list(items.values()) for aid, items in by_agency.items()}


def involved_agencies(task: Task) -> set[int]:
    """The lead, co- and via agencies of a task (ids)."""
    return set(assignments_by_agency([task]))


def tasks_assigned(
    directive: Directive,
    tasks: Sequence[Task],
    *,
    added: bool = False,
    only: set[int] | None = None,
) -> int:
    """A directive was saved with `tasks` (or they were added to it): tell each agency once.

    One "giao nhiệm vụ" email per agency per save, keyed by the directive, the agency and the
    first task of the save; one notification per task and agency; one for the leaders.
    `only` limits it to some agencies (those an edit brought in; the leaders are not told
    again). Returns how many emails were queued.
    """
    from tracker.notifications.emails import render_assignment

    if not tasks:
        return 0
    db.session.flush()
    first = min(t.id for t in tasks)
    by_agency = assignments_by_agency(tasks)
    if only is not None:
        by_agency = {aid: items for aid, items in by_agency.items() if aid in only}
        if not by_agency:
            return 0
    agencies = {
        a.id: a
        for a in db.session.execute(select(Agency).where(Agency.id.in_(by_agency))).scalars()
    }
    boxes = agency_mailboxes(by_agency)
    # the endpoints in one query for the whole save: an import assigns thousands of tasks, and
    # a query per task and agency was a third of its time
    hooks = webhooks.endpoints_for("task.assigned", by_agency)
    queued = 0
    for agency_id, items in sorted(by_agency.items(), key=lambda kv: agencies[kv[0]].name):
        items.sort(key=lambda a: a.task.id)
        for item in items if hooks else ():
            webhooks.task_assigned(directive, item.task, agency_id, item.role, hooks)
        # one INSERT per batch, not per task: an import assigns thousands of tasks at once
        _insert_ignore_many(
            Notification,
            [
                _notification_row(
                    f"assigned:{item.task.id}",
                    "assigned",
                    Audience.AGENCY,
                    agency_id=agency_id,
                    task_id=item.task.id,
                    directive_id=directive.id,
                    data={
                        "number": directive.number,
                        "role": item.role,
                        "due": _iso(
                            item.task.via_due_on if item.role == "via" else item.task.due_on
                        )
                        or _iso(item.task.due_on),
                    },
                )
                for item in items
            ],
            ("dedup_key",),
        )
        queued += _queue_email(
            f"assigned:{directive.id}:{agency_id}:{first}",
            "assigned",
            boxes.get(agency_id, []),
            render_assignment(agencies[agency_id], directive, items),
            agency_id=agency_id,
        )
    if only is not None:
        return queued
    if not added:
        webhooks.directive_created(directive, tasks)
    _notify(
        f"directive_saved:{directive.id}:{first}",
        "directive_saved",
        Audience.LEADER,
        directive_id=directive.id,
        data={"number": directive.number, "count": len(tasks), "added": added},
    )
    return queued


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def extension_requested(request: ExtensionRequest) -> None:
    """A new extension request: the office is told (in the app and by email)."""
    from tracker.notifications.emails import render_extension_requested

    task = request.task
    agency = db.session.get(Agency, task.lead_agency_id)
    data = {
        "number": task.directive.number,
        "agency": agency.name if agency else "",
        "requested": _iso(request.requested_due_on),
        "due": _iso(request.previous_due_on),
        "period": request.period.label if request.period is not None else None,
    }
    key = f"extension_requested:{request.id}"
    webhooks.extension_requested(request)
    _notify(key, "extension_requested", Audience.OFFICE, task_id=task.id, data=data)
    _queue_email(
        key, "ext_request", office_mailboxes(), render_extension_requested(request, agency)
    )


def extension_decided(request: ExtensionRequest) -> None:
    """The office approved or refused: the requesting (lead) agency and the officer who asked."""
    from tracker.notifications.emails import render_extension_decided

    task = request.task
    approved = request.state == ExtensionState.APPROVED.value
    kind = "extension_approved" if approved else "extension_refused"
    data = {
        "number": task.directive.number,
        "new_due": _iso(request.approved_due_on),
        "requested": _iso(request.requested_due_on),
        "note": request.decision_note or "",
        "period": request.period.label if request.period is not None else None,
    }
    key = f"extension_decided:{request.id}"
    webhooks.extension_decided(request)
    _notify(key, kind, Audience.AGENCY, agency_id=task.lead_agency_id, task_id=task.id, data=data)
    recipients = agency_mailboxes([task.lead_agency_id]).get(task.lead_agency_id, [])
    requester = db.session.get(User, request.requested_by_id) if request.requested_by_id else None
    if requester is not None and requester.active and requester.email not in recipients:
        recipients = [*recipients, requester.email]
    agency = db.session.get(Agency, task.lead_agency_id)
    _queue_email(
        key,
        "extension",
        recipients,
        render_extension_decided(request, agency),
        agency_id=task.lead_agency_id,
    )


def task_reopened(task: Task, *, reason: str, completed_at: Any) -> None:
    """The office sent a completion back: the lead agency is told why."""
    from tracker.notifications.emails import render_reopened

    stamp = completed_at.isoformat() if completed_at else utcnow().isoformat()
    key = f"reopened:task:{task.id}:{stamp}"
    data = {"number": task.directive.number, "reason": reason.strip()}
    _notify(
        key, "reopened", Audience.AGENCY, agency_id=task.lead_agency_id, task_id=task.id, data=data
    )
    agency = db.session.get(Agency, task.lead_agency_id)
    _queue_email(
        key,
        "reopened",
        agency_mailboxes([task.lead_agency_id]).get(task.lead_agency_id, []),
        render_reopened(task, agency, reason=reason.strip(), period=None),
        agency_id=task.lead_agency_id,
    )


def period_reopened(period: ReportingPeriod, *, completed_at: Any) -> None:
    """The office sent a period's report back: the lead agency is told."""
    from tracker.notifications.emails import render_reopened

    task = period.task
    stamp = completed_at.isoformat() if completed_at else utcnow().isoformat()
    key = f"reopened:period:{period.id}:{stamp}"
    data = {"number": task.directive.number, "period": period.label}
    _notify(
        key,
        "period_reopened",
        Audience.AGENCY,
        agency_id=task.lead_agency_id,
        task_id=task.id,
        data=data,
    )
    agency = db.session.get(Agency, task.lead_agency_id)
    _queue_email(
        key,
        "reopened",
        agency_mailboxes([task.lead_agency_id]).get(task.lead_agency_id, []),
        render_reopened(task, agency, reason="", period=period.label),
        agency_id=task.lead_agency_id,
    )


def completion_returned(task: Task, *, period_label: str | None, reason: str, key: str) -> None:
    """The office did not accept an agency's completion report (issue 16): the lead agency
    is told why, in its list and by email."""
    from tracker.notifications.emails import render_reopened

    data = {"number": task.directive.number, "reason": reason.strip(), "period": period_label}
    _notify(
        key,
        "completion_returned",
        Audience.AGENCY,
        agency_id=task.lead_agency_id,
        task_id=task.id,
        data=data,
    )
    agency = db.session.get(Agency, task.lead_agency_id)
    _queue_email(
        key,
        "reopened",
        agency_mailboxes([task.lead_agency_id]).get(task.lead_agency_id, []),
        render_reopened(task, agency, reason=reason.strip(), period=period_label),
        agency_id=task.lead_agency_id,
    )


def completion_submitted(task: Task, *, period_label: str | None, agency: str, key: str) -> None:
    """An agency reported a completion the office has to accept (issue 16)."""
    data = {"number": task.directive.number, "agency": agency, "period": period_label}
    _notify(key, "completion_submitted", Audience.OFFICE, task_id=task.id, data=data)


def reminders_sent(digest: AgencyDigest) -> None:
    """The sweep queued an agency's digest: the same reminders appear in the agency's list
    (no second email), and an escalation reaches the leaders."""
    for notice in digest.notices:
        d = notice.deadline
        key = f"reminder:{notice.keys[0]}" if notice.keys else f"reminder:{d.subject}"
        data = {
            "number": d.info.get("directive"),
            "due": _iso(d.due_on),
            "period": d.info.get("period"),
        }
        if d.task_id is not None:
            webhooks.reminder(
                key,
                notice.category,
                digest.agency_id,
                d.task_id,
                due_on=d.due_on,
                period=d.info.get("period"),
            )
        _notify(
            key,
            notice.category,
            Audience.AGENCY,
            agency_id=digest.agency_id,
            task_id=d.task_id,
            data=data,
        )
        if notice.category == "escalated":
            _notify(
                key,
                "escalated",
                Audience.LEADER,
                task_id=d.task_id,
                data={**data, "agency": digest.agency_name},
            )


def _excerpt(body: str, limit: int = 140) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def direction_posted(comment: TaskComment, task: Task) -> None:
    """New direction on a task: its lead agency is told in the app and by email (one email per
    post, keyed by the post)."""
    from tracker.notifications.emails import render_direction

    author = comment.author
    data = {
        "number": task.directive.number,
        "author": author.full_name if author else "",
        "excerpt": _excerpt(comment.body),
    }
    key = f"direction:{comment.id}"
    _notify(
        key, "direction", Audience.AGENCY, agency_id=task.lead_agency_id, task_id=task.id, data=data
    )
    agency = db.session.get(Agency, task.lead_agency_id)
    _queue_email(
        key,
        "direction",
        agency_mailboxes([task.lead_agency_id]).get(task.lead_agency_id, []),
        render_direction(comment, task, agency),
        agency_id=task.lead_agency_id,
    )


def comment_posted(comment: TaskComment, task: Task) -> None:
    """An agency replied on a task: the office is told in the app (no email: the office reads
    its list every day)."""
    agency = comment.agency or (
        db.session.get(Agency, comment.agency_id) if comment.agency_id else None
    )
    data = {
        "number": task.directive.number,
        "agency": agency.name if agency else "",
        "excerpt": _excerpt(comment.body),
    }
    _notify(f"comment:{comment.id}", "comment", Audience.OFFICE, task_id=task.id, data=data)


def subassigned(row: SubAssignment, task: Task, by: User, assignee: User | None) -> None:
    """A task handed on inside an agency (giao xử lý): the agency's officers see it in the
    app (the bell is per agency) and the officer it was given to gets an email. Each change
    is its own event, keyed by the row and the moment of the change."""
    from tracker.notifications.emails import render_subassigned

    stamp = row.updated_at.strftime("%Y%m%d%H%M%S%f")
    key = f"subassigned:{row.id}:{stamp}"
    data = {
        "number": task.directive.number,
        "by": by.full_name,
        "assignee": row.assignee_label,
        "due": row.internal_due_on.isoformat() if row.internal_due_on else None,
    }
    _notify(
        key, "subassigned", Audience.AGENCY, agency_id=row.agency_id, task_id=task.id, data=data
    )
    if assignee is not None and assignee.active:
        _queue_email(
            key,
            "subassigned",
            [assignee.email],
            render_subassigned(row, task, by, assignee),
            agency_id=row.agency_id,
        )
