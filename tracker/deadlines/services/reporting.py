"""The reporting periods of recurring tasks as rows: opened ahead up to a horizon (the
scheduler, task creation, the CLI), kept in step when a task changes, submitted and reopened."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.models import (
    ExtensionRequest,
    ReportingPeriod,
)
from tracker.deadlines.periods import (
    Cadence,
    DueSpec,
    Period,
    PeriodSettings,
    periods_between,
)
from tracker.deadlines.services.errors import DeadlineError
from tracker.deadlines.services.office_calendar import working_calendar
from tracker.deadlines.services.settings import parse_day_month, period_settings
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.tasks.models import Task
from tracker.timeutil import local_date, today, utcnow

log = logging.getLogger(__name__)


#: periods are opened this many days ahead (scheduler, task creation, `periods open`)
HORIZON_DAYS = 60


def parse_due_spec(text: str | None) -> DueSpec | None:
    """A task's own due day: "20" → 20, "15/12" → (15, 12); empty or invalid → None."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 31:
        return int(text)
    return parse_day_month(text)


def task_first_day(task: Task) -> date:
    """The first day a recurring task reports on: its start, else its directive's date."""
    if task.starts_on:
        return task.starts_on
    if task.directive is not None and task.directive.issued_on:
        return task.directive.issued_on
    return local_date(task.created_at) if task.created_at else today()


def task_schedule(
    task: Task,
    until: date,
    *,
    settings: PeriodSettings | None = None,
    calendar: WorkingCalendar | None = None,
    stop_when_closed: bool = True,
) -> list[Period]:
    """The periods of a recurring task due from its start up to ``until`` (and its end date).

    With ``stop_when_closed`` a cancelled or completed task produces no period due after it was
    closed. A rule that cannot be read gives no periods (logged) rather than an error, so one
    bad task cannot stop the nightly run.
    """
    if not task.is_recurring:
        return []
    first = task_first_day(task)
    last = min(until, task.ends_on) if task.ends_on else until
    if stop_when_closed:
        for closed in (task.cancelled_on, task.done_on):
            if closed is not None:
                last = min(last, closed)
    if last < first:
        return []
    settings = settings or period_settings()
    calendar = calendar or working_calendar()
    cadence = Cadence(task.cadence)
    try:
        if cadence is Cadence.CUSTOM:
            return periods_between(
                cadence, first, last, settings, rrule=task.cadence_rule, calendar=calendar
            )
        spec = parse_due_spec(task.period_due_day)
        try:
            return periods_between(
                cadence, first, last, settings, due_day_override=spec, calendar=calendar
            )
        except ValueError:
            if isinstance(spec, tuple):  # "15/12" on a monthly task: keep the day
                return periods_between(
                    cadence, first, last, settings, due_day_override=spec[0], calendar=calendar
                )
            raise
    except (ValueError, TypeError):
        log.warning("task %s: cannot compute its periods", task.id, exc_info=True)
        return []


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> int:
    """Insert period rows, skipping any (task_id, key) already there; return how many were new.

    The unique constraint is the guarantee: two runs racing (scheduler and a task edit) never
    create a period twice.
    """
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on PostgreSQL and SQLite only
        raise RuntimeError(f"unsupported database {dialect}")
    stmt = (
        insert(ReportingPeriod)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["task_id", "key"])
        .returning(ReportingPeriod.id)
    )
    return len(db.session.execute(stmt).all())


def open_task_periods(
    task: Task,
    until: date,
    *,
    settings: PeriodSettings | None = None,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Create the task's periods due up to ``until`` that do not exist yet; return the count."""
    periods = task_schedule(task, until, settings=settings, calendar=calendar)
    if not periods:
        return 0
    now = utcnow()
    rows = [
        {
            "task_id": task.id,
            "key": p.key,
            "label": p.label,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "due_on": p.due_on,
            "original_due_on": p.due_on,
            "created_at": now,
        }
        for p in periods
    ]
    created = _insert_ignoring_duplicates(rows)
    if created:
        db.session.expire(task, ["periods"])
    return created


def resync_future_periods(task: Task) -> int:
    """After an edit, bring the task's future periods in line with its new rules.

    Only periods with no history are touched: due in the future, never submitted, never the
    subject of an extension request. Those the task no longer has (another cadence, a shorter
    end date) are removed; those it still has take the new dates (a new due day). Returns how
    many periods were removed or changed.
    """
    schedule = {p.key: p for p in task_schedule(task, today() + timedelta(days=3660))}
    asked = select(ExtensionRequest.period_id).where(ExtensionRequest.period_id.is_not(None))
    untouched = db.session.execute(
        select(ReportingPeriod).where(
            ReportingPeriod.task_id == task.id,
            ReportingPeriod.done_on.is_(None),
            ReportingPeriod.due_on > today(),
            ReportingPeriod.due_on == ReportingPeriod.original_due_on,
            ReportingPeriod.id.not_in(asked),
        )
    ).scalars()
    changed = 0
    for period in untouched:
        wanted = schedule.get(period.key)
        if wanted is None:
            db.session.delete(period)
            changed += 1
        elif (period.starts_on, period.ends_on, period.due_on, period.label) != (
            wanted.starts_on,
            wanted.ends_on,
            wanted.due_on,
            wanted.label,
        ):
            period.starts_on, period.ends_on = wanted.starts_on, wanted.ends_on
            period.due_on = period.original_due_on = wanted.due_on
            period.label = wanted.label
            changed += 1
    if changed:
        db.session.flush()
        db.session.expire(task, ["periods"])
    return changed


def open_periods(until: date) -> int:
    """Open the periods due up to ``until`` for every recurring task, idempotently.

    Called by the scheduler and by ``flask periods open``; returns how many were created.
    """
    settings = period_settings()
    calendar = working_calendar()
    tasks = db.session.execute(
        select(Task)
        .where(Task.cadence.not_in(["none", ""]), Task.cancelled_on.is_(None))
        .order_by(Task.id)
    ).scalars()
    return sum(
        open_task_periods(task, until, settings=settings, calendar=calendar) for task in tasks
    )


def sync_task_periods(task: Task, *, new: bool = False) -> int:
    """Called when a task is created or edited: open its periods up to the horizon.

    A `new` task has no periods to bring in line yet (saves a query per task on an import).
    """
    if task.id is not None and not new:
        resync_future_periods(task)
    return open_task_periods(task, today() + timedelta(days=HORIZON_DAYS))


def submit_period(
    period: ReportingPeriod,
    *,
    report_number: str | None,
    report_date: date | None,
    done_on: date | None,
    note: str | None,
    user_id: int | None,
) -> ReportingPeriod:
    """Record a period's report (số, ngày văn bản); the period is done on ``done_on``."""
    if period.done_on is not None:
        raise DeadlineError("report_number", _("Kỳ báo cáo này đã được nộp."))
    if period.task.cancelled_on is not None:
        raise DeadlineError("report_number", _("Nhiệm vụ đã dừng/hủy."))
    local_today = today()
    done_on = done_on or local_today
    if done_on > local_today:
        raise DeadlineError("done_on", _("Ngày nộp báo cáo không được sau hôm nay."))
    if not (report_number or "").strip():
        raise DeadlineError("report_number", _("Vui lòng nhập số văn bản báo cáo."))
    if report_date and report_date > local_today:
        raise DeadlineError("report_date", _("Ngày văn bản báo cáo không được sau hôm nay."))
    period.done_on = done_on
    period.done_at = utcnow()
    period.report_number = report_number.strip()[:100]
    period.report_date = report_date
    period.note = (note or "").strip() or None
    period.done_by_id = user_id
    db.session.flush()
    return period


def reopen_period(period: ReportingPeriod) -> ReportingPeriod:
    """Undo a period's submission (office), e.g. a report sent to the wrong period."""
    if period.done_on is None:
        raise DeadlineError("report_number", _("Kỳ báo cáo chưa nộp."))
    completed_at = period.done_at
    period.done_on = None
    period.done_at = None
    period.report_number = None
    period.report_date = None
    period.note = None
    period.done_by_id = None
    period.submitted_on = period.accepted_on = None  # acceptance (issue 16): nothing awaits
    db.session.flush()
    notify.period_reopened(period, completed_at=completed_at)
    return period
