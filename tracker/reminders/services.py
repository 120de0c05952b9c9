"""The daily sweep: read the open deadlines, ask the policy, queue digests in the outbox.

`plan(day)` only reads; `queue(plan)` writes, in one transaction, the outbox rows
("digest:<agency>:<day>", "summary:<day>") and one `ReminderRecord` per threshold, each insert
"on conflict do nothing". Two sweeps racing on the same day therefore produce one email per
agency: the second one's insert of the digest key finds the first one's row and skips the agency
(and does not record its reminders). On PostgreSQL `run_sweep` also takes a transaction-scoped
advisory lock, so the loser usually does not even compute the plan.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import ARRAY, String, and_, any_, bindparam, func, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from tracker.agencies.models import Agency, AgencyContact
from tracker.deadlines.calendar import WorkingCalendar, default_calendar
from tracker.deadlines.models import CalendarException, ReportingPeriod
from tracker.deadlines.status import Status, is_one_off_sql, is_open_sql
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reminders.emails import render_digest, render_summary
from tracker.reminders.models import OutboxEmail, OutboxStatus, ReminderRecord
from tracker.reminders.policy import (
    CATEGORIES,
    Deadline,
    Notice,
    Policy,
    ThresholdMemo,
    decide,
)
from tracker.reminders.sweep import AgencyDigest, Plan, SweepResult
from tracker.settings import get_setting, set_setting
from tracker.tasks.models import ProgressUpdate, Task
from tracker.timeutil import local_date, utcnow, zone

log = logging.getLogger(__name__)

POLICY_SETTING = "reminders.policy"
#: pg_try_advisory_xact_lock keys (any constant bigint, fixed forever)
LOCK_KEYS = {"sweep": 4_720_250_001, "send": 4_720_250_002, "webhooks": 4_720_250_003}
#: how many of the longest overdue tasks the office summary lists
SUMMARY_TOP = 10


# -- settings and calendar -------------------------------------------------------------------


def load_policy() -> Policy:
    """The office's policy, or the defaults (a broken stored value falls back to defaults)."""
    stored = get_setting(POLICY_SETTING)
    try:
        return Policy.from_dict(stored)
    except ValueError:
        log.warning("stored reminder policy is invalid, using defaults: %r", stored)
        return Policy()


def save_policy(policy: Policy) -> None:
    """Store the policy (the caller commits)."""
    set_setting(POLICY_SETTING, policy.to_dict())


def load_calendar() -> WorkingCalendar:
    """The national calendar plus the office's own exceptions (announced swaps, extra days off)."""
    rows = db.session.execute(select(CalendarException.day, CalendarException.kind)).all()
    if not rows:
        return default_calendar()
    off = [d for d, kind in rows if kind == "off"]
    working = [d for d, kind in rows if kind == "working"]
    return WorkingCalendar(extra_days_off=off, working_days=working)


# -- locks and inserts -----------------------------------------------------------------------


@contextmanager
def leader_lock(name: str) -> Iterator[bool]:
    """Yield True if this process may run the `name` batch now.

    PostgreSQL: `pg_try_advisory_xact_lock` on a connection of its own, held in a transaction for
    the whole batch and released when it ends (a crashed process drops its connection and so its
    lock; a session-level lock could outlive a batch on a pooled connection). SQLite: always True —
    run a single scheduler there; the unique keys still prevent duplicates.
    """
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as conn, conn.begin():
        got = conn.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEYS[name]}
        ).scalar()
        yield bool(got)


def insert_ignore(model: type, values: dict[str, Any]) -> int | None:
    """Insert a row unless its unique `dedup_key` exists; return the new id or None."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = (
        module.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(model.id)
    )
    return db.session.execute(stmt).scalar_one_or_none()


# -- reading deadlines -----------------------------------------------------------------------


def _open_task(day: date):
    """Tasks still open at the end of `day` and not paused (SQL)."""
    return and_(
        is_open_sql(day, done_on=Task.done_on, cancelled_on=Task.cancelled_on),
        Task.reminders_paused.is_(False),
    )


def collect_deadlines(day: date, policy: Policy) -> list[Deadline]:
    """Every deadline that may need a reminder on `day`, in four grouped queries.

    Excluded in SQL: done, cancelled and paused tasks, done periods, inactive agencies, and
    deadlines further away than the earliest "before" reminder.
    """
    horizon = day.toordinal() + (max(policy.before_days, default=0)) + 7
    horizon_day = date.fromordinal(horizon)
    lead = aliased(Agency)
    deadlines: list[Deadline] = []

    def info(row, **extra) -> dict[str, Any]:
        return {"content": row.content, "directive": row.number, **extra}

    # dated tasks → lead agency
    for row in db.session.execute(
        select(Task.id, Task.content, Task.due_on, Task.lead_agency_id, Directive.number)
        .join(Directive, Directive.id == Task.directive_id)
        .join(lead, lead.id == Task.lead_agency_id)
        .where(_open_task(day), lead.active.is_(True), Task.due_on.is_not(None))
        .where(Task.due_on <= horizon_day)
    ):
        deadlines.append(
            Deadline(
                f"task:{row.id}", row.id, row.lead_agency_id, "lead", row.due_on, info=info(row)
            )
        )

    # reporting periods → lead agency
    for row in db.session.execute(
        select(
            ReportingPeriod.id.label("period_id"),
            ReportingPeriod.label,
            ReportingPeriod.due_on,
            Task.id,
            Task.content,
            Task.lead_agency_id,
            Directive.number,
        )
        .join(Task, Task.id == ReportingPeriod.task_id)
        .join(Directive, Directive.id == Task.directive_id)
        .join(lead, lead.id == Task.lead_agency_id)
        .where(_open_task(day), lead.active.is_(True))
        .where(is_open_sql(day, done_on=ReportingPeriod.done_on, cancelled_on=Task.cancelled_on))
        .where(ReportingPeriod.due_on <= horizon_day)
    ):
        deadlines.append(
            Deadline(
                f"period:{row.period_id}",
                row.id,
                row.lead_agency_id,
                "lead",
                row.due_on,
                period_id=row.period_id,
                info=info(row, period=row.label),
            )
        )

    # the via agency's consolidation deadline → via agency
    via = aliased(Agency)
    for row in db.session.execute(
        select(Task.id, Task.content, Task.via_due_on, Task.via_agency_id, Directive.number)
        .join(Directive, Directive.id == Task.directive_id)
        .join(via, via.id == Task.via_agency_id)
        .where(_open_task(day), via.active.is_(True))
        .where(Task.via_due_on.is_not(None), Task.via_due_on <= horizon_day)
        .where(is_open_sql(day, done_on=Task.via_done_on, cancelled_on=Task.cancelled_on))
    ):
        deadlines.append(
            Deadline(
                f"via:{row.id}",
                row.id,
                row.via_agency_id,
                "via",
                row.via_due_on,
                info=info(row),
            )
        )

    # undated, non-recurring tasks → lead agency, with the day of their last progress update
    if policy.update_after_months > 0:
        last = (
            select(ProgressUpdate.task_id, func.max(ProgressUpdate.created_at).label("last_at"))
            .group_by(ProgressUpdate.task_id)
            .subquery()
        )
        tz = zone()
        for row in db.session.execute(
            select(
                Task.id,
                Task.content,
                Task.lead_agency_id,
                Task.created_at,
                Directive.number,
                last.c.last_at,
            )
            .join(Directive, Directive.id == Task.directive_id)
            .join(lead, lead.id == Task.lead_agency_id)
            .outerjoin(last, last.c.task_id == Task.id)
            .where(_open_task(day), lead.active.is_(True), Task.due_on.is_(None))
            .where(is_one_off_sql(Task.cadence))
        ):
            # func.max keeps the column type, so both values come back aware (UTC)
            moments = [m for m in (row.created_at, row.last_at) if m is not None]
            last_on = max(local_date(m, tz) for m in moments) if moments else None
            deadlines.append(
                Deadline(
                    f"task:{row.id}",
                    row.id,
                    row.lead_agency_id,
                    "lead",
                    None,
                    last_activity_on=last_on,
                    info=info(row),
                )
            )
    return deadlines


def sent_keys_for(candidates: Iterable[str]) -> set[str]:
    """Which of these reminder keys were already recorded.

    PostgreSQL gets every key in one array parameter (`= ANY(:keys)`, probed in the unique
    index); SQLite, chunks of 500 in IN lists. Issue 7: at 1M tasks the sweep sent ~85
    statements of 500 expanded parameters each, and their compilation alone took 0.4 s.
    """
    keys = list(dict.fromkeys(candidates))
    found: set[str] = set()
    if keys and db.session.get_bind().dialect.name == "postgresql":
        found.update(
            db.session.execute(
                select(ReminderRecord.dedup_key).where(
                    ReminderRecord.dedup_key == any_(bindparam("keys", keys, type_=ARRAY(String)))
                )
            ).scalars()
        )
        return found
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        found.update(
            db.session.execute(
                select(ReminderRecord.dedup_key).where(ReminderRecord.dedup_key.in_(chunk))
            ).scalars()
        )
    return found


# -- the plan --------------------------------------------------------------------------------


def plan(day: date, policy: Policy | None = None, cal: WorkingCalendar | None = None) -> Plan:
    """What each agency must be told on `day` (reads only)."""
    policy = policy or load_policy()
    cal = cal or load_calendar()
    if not cal.is_working_day(day):
        return Plan(day, False, [], None)
    deadlines = collect_deadlines(day, policy)
    thresholds = ThresholdMemo(day, policy, cal)
    candidates = [d.key(t.name) for d in deadlines for t in thresholds(d)]
    notices = decide(deadlines, day, policy, cal, sent_keys_for(candidates), thresholds)

    by_agency: dict[int, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_agency[notice.deadline.agency_id].append(notice)
    digests: list[AgencyDigest] = []
    if by_agency:
        agencies = {
            a.id: a
            for a in db.session.execute(select(Agency).where(Agency.id.in_(by_agency))).scalars()
        }
        contacts: dict[int, list[str]] = defaultdict(list)
        for agency_id, email in db.session.execute(
            select(AgencyContact.agency_id, AgencyContact.email)
            .where(AgencyContact.agency_id.in_(by_agency), AgencyContact.receives_digest.is_(True))
            .order_by(AgencyContact.email)
        ):
            contacts[agency_id].append(email)
        for agency_id, items in by_agency.items():
            agency = agencies[agency_id]
            items.sort(key=lambda n: (n.deadline.due_on or date.max, n.deadline.task_id))
            digests.append(
                AgencyDigest(agency_id, agency.name, contacts[agency_id], agency.head_email, items)
            )
        digests.sort(key=lambda d: d.agency_name)
    return Plan(day, True, digests, office_summary(day))


def office_summary(day: date) -> dict[str, Any]:
    """Obligations per state and the longest overdue ones, for the office's daily email —
    counted and listed as Tổng quan does (`tracker.reports.dashboard`)."""
    from tracker.reports.dashboard import Filters, oldest_overdue, status_counts

    counts = status_counts(true(), Filters(), day)
    overdue = oldest_overdue(true(), Filters(), day, limit=SUMMARY_TOP)
    return {
        "counts": [
            {"code": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Status
        ],
        "longest_overdue": [
            {
                "task_id": r["id"],
                "content": r["content"],
                "obligation": r["obligation"],
                "agency": r["lead_agency"],
                "due_on": r["due_on"],
                "days_overdue": (day - r["due_on"]).days,
            }
            for r in overdue
        ],
    }


def notice_record(notice: Notice) -> dict[str, Any]:
    """One notice as JSON (the CLI's `--json` and the email templates)."""
    d = notice.deadline
    return {
        "task_id": d.task_id,
        "period_id": d.period_id,
        "period": d.info.get("period"),
        "role": d.role,
        "directive": d.info.get("directive"),
        "content": d.info.get("content"),
        "due_on": d.due_on.isoformat() if d.due_on else None,
        "days_left": notice.days_left,
        "days_overdue": notice.days_overdue,
        "last_activity_on": d.last_activity_on.isoformat() if d.last_activity_on else None,
        "reminders": [t.name for t in notice.thresholds],
    }


def plan_as_json(p: Plan) -> dict[str, Any]:
    office_email = current_app.config.get("TRACKER_OFFICE_EMAIL")
    return {
        "day": p.day.isoformat(),
        "working_day": p.working_day,
        "agencies": [
            {
                "agency_id": d.agency_id,
                "agency": d.agency_name,
                "recipients": d.recipients,
                "cc": d.cc(office_email),
                **{c: [notice_record(n) for n in d.section(c)] for c in CATEGORIES},
            }
            for d in p.digests
        ],
    }


# -- queueing --------------------------------------------------------------------------------


def queue(p: Plan) -> SweepResult:
    """Put the plan in the outbox and record its reminders (the caller commits)."""
    from tracker.notifications.services import reminders_sent

    result = SweepResult(p.day, p.working_day, plan=p)
    if not p.working_day:
        return result
    office_email = current_app.config.get("TRACKER_OFFICE_EMAIL")
    now = utcnow()
    for digest in p.digests:
        if not digest.recipients:
            # nobody to tell: nothing is recorded, so the reminder goes out once a mailbox exists
            result.agencies_without_mailbox.append(digest.agency_name)
            reminders_sent(digest)  # the app still tells its officers (once: unique keys)
            continue
        outbox_id = _queue_digest(digest, p.day, office_email, now)
        if outbox_id is None:
            # today's digest exists and every reminder of this one was recorded with it:
            # another sweep got there first
            result.digests_skipped += 1
            continue
        result.digests_queued += 1
        reminders_sent(digest)  # the same reminders in the agency's in-app list
        for notice in digest.notices:
            d = notice.deadline
            for t in notice.thresholds:
                inserted = insert_ignore(
                    ReminderRecord,
                    {
                        "dedup_key": d.key(t.name),
                        "task_id": d.task_id,
                        "period_id": d.period_id,
                        "agency_id": d.agency_id,
                        "role": d.role,
                        "kind": t.category,
                        "threshold": t.name,
                        "due_on": d.due_on,
                        "on_day": p.day,
                        "outbox_id": outbox_id,
                        "created_at": now,
                    },
                )
                result.reminders_recorded += inserted is not None
    if p.summary is not None and office_email:
        subject, body_text, body_html = render_summary(p, result)
        result.summary_queued = (
            insert_ignore(
                OutboxEmail,
                {
                    "dedup_key": f"summary:{p.day.isoformat()}",
                    "kind": "summary",
                    "agency_id": None,
                    "for_day": p.day,
                    "recipients": [office_email],
                    "cc": [],
                    "subject": subject,
                    "body_text": body_text,
                    "body_html": body_html,
                    "status": OutboxStatus.PENDING.value,
                    "attempts": 0,
                    "created_at": now,
                },
            )
            is not None
        )
    return result


def _queue_digest(
    digest: AgencyDigest, day: date, office_email: str | None, now: datetime
) -> int | None:
    """Put an agency's digest of `day` in the outbox; its id, or None if it was already sent.

    The first digest of the day has the key "digest:<agency>:<day>". A later sweep of the same
    day (the operator's `reminders run`, a scheduler restarted after the morning run, the demo
    load's sweep before the office's first tasks) may find reminders that were not due or did not
    exist when it went out — a task assigned at 9:00 and due in two days — and these must not
    wait for tomorrow: they go in a supplementary digest ("bổ sung") whose key names its
    reminders, so two sweeps racing with the same reminders still queue it once. A sweep that
    lost the race for the first digest finds the winner's reminders recorded (the unique index
    made it wait for the winner's commit) and queues nothing.
    """

    def insert(key: str, supplement: bool) -> int | None:
        subject, body_text, body_html = render_digest(digest, day, supplement=supplement)
        return insert_ignore(
            OutboxEmail,
            {
                "dedup_key": key,
                "kind": "digest",
                "agency_id": digest.agency_id,
                "for_day": day,
                "recipients": digest.recipients,
                "cc": digest.cc(office_email),
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "created_at": now,
            },
        )

    first = f"{digest.dedup_key}:{day.isoformat()}"
    outbox_id = insert(first, False)
    if outbox_id is not None:
        return outbox_id
    recorded = sent_keys_for(k for n in digest.notices for k in n.keys)
    fresh = []
    for notice in digest.notices:
        thresholds = tuple(
            t for t in notice.thresholds if notice.deadline.key(t.name) not in recorded
        )
        if thresholds:
            fresh.append(replace(notice, thresholds=thresholds))
    if not fresh:
        return None
    digest.notices = fresh
    keys = sorted(k for n in fresh for k in n.keys)
    digest_of_keys = hashlib.sha1("\n".join(keys).encode()).hexdigest()[:16]
    return insert(f"{first}:{digest_of_keys}", True)


def run_sweep(day: date, *, dry_run: bool = False) -> SweepResult:
    """Compute `day`'s reminders and (unless `dry_run`) queue them; commits.

    The job, `reminders run` and the tests all call this one function.
    """
    if dry_run:
        p = plan(day)
        return SweepResult(day, p.working_day, plan=p)
    with leader_lock("sweep") as leader:
        if not leader:
            log.info("another scheduler is sweeping; skipped")
            return SweepResult(day, True, locked_out=True)
        try:
            result = queue(plan(day))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    log.info(
        "sweep %s: %d digests queued, %d reminders recorded",
        day,
        result.digests_queued,
        result.reminders_recorded,
    )
    return result


def open_periods_job(day: date) -> int | None:
    """Create the reporting periods due soon, if the deadlines feature provides it (else None).

    Guarded so that this branch works alone: no `tracker.deadlines.services` module, or one
    without `open_periods`, means the job does nothing. An error inside it is not hidden.
    """
    from importlib import import_module
    from importlib.util import find_spec

    if find_spec("tracker.deadlines.services") is None:
        return None
    open_periods = getattr(import_module("tracker.deadlines.services"), "open_periods", None)
    if open_periods is None:
        return None
    from datetime import timedelta

    policy = load_policy()
    until = day + timedelta(days=max(policy.before_days, default=0) + 31)
    created = open_periods(until)
    db.session.commit()
    return created


def reminders_for_task(task_id: int) -> list[ReminderRecord]:
    """The reminders recorded for a task, for its timeline."""
    return list(
        db.session.execute(
            select(ReminderRecord)
            .where(ReminderRecord.task_id == task_id)
            .order_by(ReminderRecord.created_at, ReminderRecord.id)
        ).scalars()
    )


def toggle_pause(task: Task) -> bool:
    """Pause (or resume) the reminders of one task; the change is in the task's audit log.
    Returns whether they are paused now; the caller commits."""
    task.reminders_paused = not task.reminders_paused
    return task.reminders_paused
