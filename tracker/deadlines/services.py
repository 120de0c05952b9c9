"""The deadline rules wired to the database: settings, the office's calendar, the reporting
periods of recurring tasks, extensions, two-hop deliveries and states as of a day.

The rules themselves live in the pure modules next to this one (calendar, periods, status,
relative); this module only reads rows, calls them and writes the results. The caller commits,
so a request saves everything it asked for or nothing. The scheduler, the CLI and the views all
call the same functions (``open_periods`` in particular).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.models import (
    PENDING_INDEXES,
    CalendarException,
    ExtensionRequest,
    ExtensionState,
    ReportingPeriod,
)
from tracker.deadlines.obligations import has_via_item, task_due_on_as_of
from tracker.deadlines.periods import (
    DEFAULT_SETTINGS,
    Cadence,
    DueSpec,
    Period,
    PeriodSettings,
    periods_between,
)
from tracker.deadlines.relative import within_working_days
from tracker.deadlines.status import Status, due_on_as_of, is_due_soon, status_as_of
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.settings import get_setting, set_setting
from tracker.tasks.models import Task
from tracker.timeutil import local_date, today, utcnow

log = logging.getLogger(__name__)

#: periods are opened this many days ahead (scheduler, task creation, `periods open`)
HORIZON_DAYS = 60

#: setting keys (tracker.settings) for the period rules; defaults are the decree's
SETTING_DUE_DAY = "periods.due_day"
SETTING_NINE_MONTH_END = "periods.nine_month_end"
SETTING_STRICT_BEFORE = "periods.strict_before"
SETTING_CUTOFF = "periods.cutoff"
SETTING_DUE_ON_DAY_OFF = "periods.due_on_day_off"


class DeadlineError(ValueError):
    """A user-facing reason (in Vietnamese), with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "—"


# -- settings ----------------------------------------------------------------------------


def period_settings() -> PeriodSettings:
    """The province's period rules as stored by the office (the decree's where never set).

    A stored value that no longer validates falls back to the default for the whole set, so a
    bad row can never stop the scheduler.
    """
    d = DEFAULT_SETTINGS
    month_day = get_setting(SETTING_NINE_MONTH_END, list(d.nine_month_end))
    try:
        return PeriodSettings(
            cutoff_day=d.cutoff_day,
            nine_month_end=(int(month_day[0]), int(month_day[1])),
            due_day=int(get_setting(SETTING_DUE_DAY, d.due_day)),
            strict_before=bool(get_setting(SETTING_STRICT_BEFORE, d.strict_before)),
            cutoff=get_setting(SETTING_CUTOFF, d.cutoff),
            due_on_day_off=get_setting(SETTING_DUE_ON_DAY_OFF, d.due_on_day_off),
        )
    except (ValueError, TypeError, IndexError):
        log.warning("stored period settings are invalid; using the defaults")
        return DEFAULT_SETTINGS


def save_period_settings(
    *,
    due_day: int | None,
    nine_month_end: str,
    strict_before: bool,
    cutoff: str,
    due_on_day_off: str,
) -> PeriodSettings:
    """Validate and store the period rules; existing periods keep their dates."""
    if due_day is None or not 1 <= due_day <= 31:
        raise DeadlineError("due_day", _("Ngày hạn báo cáo phải từ 1 đến 31."))
    month_day = parse_day_month(nine_month_end)
    if month_day is None:
        raise DeadlineError(
            "nine_month_end", _("Ngày chốt kỳ 9 tháng ghi dạng ngày/tháng, ví dụ 14/9.")
        )
    day, month = month_day
    try:
        settings = PeriodSettings(
            nine_month_end=(month, day),
            due_day=due_day,
            strict_before=strict_before,
            cutoff=cutoff,  # type: ignore[arg-type]
            due_on_day_off=due_on_day_off,  # type: ignore[arg-type]
        )
    except ValueError:
        raise DeadlineError("cutoff", _("Lựa chọn không hợp lệ.")) from None
    set_setting(SETTING_DUE_DAY, settings.due_day)
    set_setting(SETTING_NINE_MONTH_END, list(settings.nine_month_end))
    set_setting(SETTING_STRICT_BEFORE, settings.strict_before)
    set_setting(SETTING_CUTOFF, settings.cutoff)
    set_setting(SETTING_DUE_ON_DAY_OFF, settings.due_on_day_off)
    db.session.flush()
    return settings


def parse_day_month(text: str | None) -> tuple[int, int] | None:
    """ "14/9" → (14, 9); None unless it is a real day of a month (29/2 allowed)."""
    parts = (text or "").strip().split("/")
    if len(parts) != 2:
        return None
    try:
        day, month = int(parts[0]), int(parts[1])
        date(2028, month, day)
    except ValueError:
        return None
    return day, month


# -- the office's calendar ---------------------------------------------------------------

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


# -- reporting periods -------------------------------------------------------------------


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


# -- two-hop reporting -------------------------------------------------------------------


def via_status(task: Task, as_of: date) -> Status | None:
    """The via agency's own item: due ``via_due_on``, delivered ``via_done_on``."""
    if not has_via_item(task):
        return None
    return status_as_of(
        as_of, due_on=task.via_due_on, done_on=task.via_done_on, cancelled_on=task.cancelled_on
    )


def mark_via_done(task: Task, *, done_on: date | None) -> Task:
    """The via agency delivered its consolidated report (on ``done_on``, today by default)."""
    if task.via_agency_id is None:
        raise DeadlineError("done_on", _("Nhiệm vụ không báo cáo qua đơn vị tổng hợp."))
    if task.via_done_on is not None:
        raise DeadlineError("done_on", _("Đơn vị tổng hợp đã gửi báo cáo tổng hợp."))
    if task.cancelled_on is not None:
        raise DeadlineError("done_on", _("Nhiệm vụ đã dừng/hủy."))
    local_today = today()
    done_on = done_on or local_today
    if done_on > local_today:
        raise DeadlineError("done_on", _("Ngày gửi báo cáo tổng hợp không được sau hôm nay."))
    task.via_done_on = done_on
    db.session.flush()
    return task


# -- states as of a day, from history ----------------------------------------------------

#: approved extensions by (task_id, period_id or None): [(decided_on, approved_due_on)]
ExtensionHistory = dict[tuple[int, int | None], list[tuple[date, date]]]


def approved_extensions(task_ids: Iterable[int]) -> ExtensionHistory:
    """The approved extensions of these tasks (and their periods), in decision order — one
    query for any number of tasks."""
    ids = list(task_ids)
    history: ExtensionHistory = defaultdict(list)
    if not ids:
        return history
    rows = db.session.execute(
        select(
            ExtensionRequest.task_id,
            ExtensionRequest.period_id,
            ExtensionRequest.decided_on,
            ExtensionRequest.approved_due_on,
        )
        .where(
            ExtensionRequest.task_id.in_(ids),
            ExtensionRequest.state == ExtensionState.APPROVED.value,
            ExtensionRequest.decided_on.is_not(None),
            ExtensionRequest.approved_due_on.is_not(None),
        )
        .order_by(ExtensionRequest.decided_at, ExtensionRequest.id)
    )
    for row in rows:
        history[(row.task_id, row.period_id)].append((row.decided_on, row.approved_due_on))
    return history


def task_due_as_of(task: Task, as_of: date, history: ExtensionHistory | None = None) -> date | None:
    """The task's deadline in force at the end of ``as_of``: the original one, moved by the
    extensions approved on or before that day."""
    if history is None:
        history = approved_extensions([task.id])
    return task_due_on_as_of(task, as_of, history)


def task_status(task: Task, as_of: date, history: ExtensionHistory | None = None) -> Status:
    """The task's state at the end of ``as_of``, from history (nothing after that day)."""
    return status_as_of(
        as_of,
        due_on=task_due_as_of(task, as_of, history),
        done_on=task.done_on,
        cancelled_on=task.cancelled_on,
    )


@dataclass(frozen=True)
class PeriodState:
    """One period as it stood at the end of a day."""

    key: str
    label: str
    starts_on: date
    ends_on: date
    due_on: date
    original_due_on: date
    done_on: date | None
    status: Status
    due_soon: bool
    row: ReportingPeriod | None

    def record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "due": self.due_on.isoformat(),
            "original_due": self.original_due_on.isoformat(),
            "done": self.done_on.isoformat() if self.done_on else None,
            "status": self.status.value,
            "due_soon": self.due_soon,
        }


def periods_as_of(
    task: Task,
    as_of: date,
    history: ExtensionHistory | None = None,
    *,
    settings: PeriodSettings | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[PeriodState]:
    """The periods of a recurring task that had begun by ``as_of``, each with its state then.

    Stored periods are used as they are (their dates were fixed when they were opened); periods
    the schedule has but nobody opened yet are computed, so the answer does not depend on when
    the scheduler last ran, nor on a cancellation or completion after ``as_of``.
    """
    if not task.is_recurring:
        return []
    if history is None:
        history = approved_extensions([task.id])
    stored = {p.key: p for p in task.periods}
    computed = {
        p.key: p
        for p in task_schedule(
            task,
            as_of + timedelta(days=400),
            settings=settings,
            calendar=calendar,
            stop_when_closed=False,
        )
    }
    states = []
    for key in stored.keys() | computed.keys():
        row = stored.get(key)
        if row is not None:
            label, starts_on, ends_on = row.label, row.starts_on, row.ends_on
            original, done_on = row.original_due_on, row.done_on
            extensions = history.get((task.id, row.id), ())
        else:
            p = computed[key]
            label, starts_on, ends_on = p.label, p.starts_on, p.ends_on
            original, done_on, extensions = p.due_on, None, ()
        if starts_on > as_of:
            continue
        due = due_on_as_of(as_of, original, extensions) or original
        done = done_on if done_on is not None and done_on <= as_of else None
        states.append(
            PeriodState(
                key=key,
                label=label,
                starts_on=starts_on,
                ends_on=ends_on,
                due_on=due,
                original_due_on=original,
                done_on=done,
                status=status_as_of(
                    as_of, due_on=due, done_on=done_on, cancelled_on=task.cancelled_on
                ),
                due_soon=is_due_soon(as_of, due, done_on, cancelled_on=task.cancelled_on),
                row=row,
            )
        )
    states.sort(key=lambda s: (s.due_on, s.ends_on, s.key))
    return states


def period_status(period: ReportingPeriod, as_of: date) -> Status:
    """A stored period's state today (its current due date; see ``periods_as_of`` for the
    past)."""
    return status_as_of(
        as_of, due_on=period.due_on, done_on=period.done_on, cancelled_on=period.task.cancelled_on
    )


# -- extensions --------------------------------------------------------------------------


def _pending(task: Task, period: ReportingPeriod | None) -> ExtensionRequest | None:
    stmt = select(ExtensionRequest).where(
        ExtensionRequest.task_id == task.id,
        ExtensionRequest.state == ExtensionState.PENDING.value,
    )
    if period is None:
        stmt = stmt.where(ExtensionRequest.period_id.is_(None))
    else:
        stmt = stmt.where(ExtensionRequest.period_id == period.id)
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


def current_due(task: Task, period: ReportingPeriod | None) -> date | None:
    return period.due_on if period is not None else task.due_on


def requested_date(
    task: Task,
    period: ReportingPeriod | None,
    *,
    requested_due_on: date | None,
    working_days: int | None,
) -> date | None:
    """The date asked for: typed, or "N ngày làm việc" counted from the current due date.

    When the task is already overdue the working days count from today: "10 more working days"
    asked on 07/12/2026 for a task due 15/11/2025 means until mid-December 2026, not a date that
    passed a year ago (issue 11).
    """
    if requested_due_on is not None or not working_days:
        return requested_due_on
    base = current_due(task, period)
    if base is None:
        return None
    if working_days < 1 or working_days > 365:
        raise DeadlineError("working_days", _("Số ngày làm việc phải từ 1 đến 365."))
    return within_working_days(max(base, today()), working_days, working_calendar())


def _refuse_past(field: str, new_due: date, on: date | None = None) -> None:
    """A deadline moved to a day already gone would be overdue the moment it is granted (and
    escalated by the next sweep): refuse it, saying from which day a date is accepted.

    `on` is the day of the request or decision: today, or a recorded day of the demo's history.
    """
    now = on or today()
    if new_due < now:
        raise DeadlineError(
            field,
            _(
                "Ngày gia hạn %(new_due)s đã qua; vui lòng chọn một ngày từ hôm nay (%(today)s) "
                "trở đi.",
                new_due=_fmt(new_due),
                today=_fmt(now),
            ),
        )


def request_extension(
    task: Task,
    *,
    period: ReportingPeriod | None = None,
    requested_due_on: date | None,
    reason: str | None,
    user_id: int | None,
    on: date | None = None,
) -> ExtensionRequest:
    """An agency asks for a later due date for a task, or for one period of it.

    `on` is the day of the request (today unless history is being recorded, as the demo does).
    """
    if period is not None and period.task_id != task.id:
        raise DeadlineError("requested_due_on", _("Kỳ báo cáo không thuộc nhiệm vụ này."))
    if task.done_on is not None:
        raise DeadlineError(
            "requested_due_on", _("Nhiệm vụ đã hoàn thành, không thể đề nghị gia hạn.")
        )
    if task.cancelled_on is not None:
        raise DeadlineError(
            "requested_due_on", _("Nhiệm vụ đã dừng/hủy, không thể đề nghị gia hạn.")
        )
    if period is not None and period.done_on is not None:
        raise DeadlineError("requested_due_on", _("Kỳ báo cáo đã nộp, không thể đề nghị gia hạn."))
    due = current_due(task, period)
    if due is None:
        raise DeadlineError(
            "requested_due_on", _("Nhiệm vụ không có thời hạn, không cần đề nghị gia hạn.")
        )
    if requested_due_on is None:
        raise DeadlineError("requested_due_on", _("Vui lòng nhập ngày đề nghị gia hạn đến."))
    if requested_due_on <= due:
        raise DeadlineError(
            "requested_due_on",
            _(
                "Ngày đề nghị gia hạn (%(requested)s) phải sau thời hạn hiện tại (%(due)s).",
                requested=_fmt(requested_due_on),
                due=_fmt(due),
            ),
        )
    _refuse_past("requested_due_on", requested_due_on, on)
    if not (reason or "").strip():
        raise DeadlineError("reason", _("Vui lòng nêu lý do đề nghị gia hạn."))
    if _pending(task, period) is not None:
        raise _already_pending()
    request = ExtensionRequest(
        task=task,
        period=period,
        requested_by_id=user_id,
        previous_due_on=due,
        requested_due_on=requested_due_on,
        reason=reason.strip(),
        state=ExtensionState.PENDING.value,
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError as error:
        # a concurrent submission (a double click) passed the check above first: the partial
        # unique index refused this one. The session must be rolled back, as after any failed
        # flush; the caller does it on DeadlineError.
        if not _is_pending_conflict(error):
            raise
        raise _already_pending() from None
    notify.extension_requested(request)
    return request


def _already_pending() -> DeadlineError:
    return DeadlineError(
        "requested_due_on",
        _(
            "Đã có một đề nghị gia hạn đang chờ Văn phòng UBND tỉnh xử lý; vui lòng chờ kết quả "
            "trước khi đề nghị tiếp."
        ),
    )


def _is_pending_conflict(error: IntegrityError) -> bool:
    """Whether the error is the one-pending-request rule (not, say, a deleted task's key).

    PostgreSQL names the index; SQLite names the indexed columns.
    """
    message = str(error.orig)
    return any(name in message for name in PENDING_INDEXES) or (
        "UNIQUE constraint failed: extension_request.task_id" in message
    )


def approve_extension(
    request: ExtensionRequest,
    *,
    approved_due_on: date | None = None,
    note: str | None = None,
    user_id: int | None,
    on: date | None = None,
) -> ExtensionRequest:
    """The office grants the request, with the date asked for or another one; the new date is
    in force from today (the decision's local date; `on` records a past decision)."""
    _check_pending(request)
    task, period = request.task, request.period
    if task.done_on is not None:
        raise DeadlineError("approved_due_on", _("Nhiệm vụ đã hoàn thành; chỉ có thể từ chối."))
    if task.cancelled_on is not None:
        raise DeadlineError("approved_due_on", _("Nhiệm vụ đã dừng/hủy; chỉ có thể từ chối."))
    if period is not None and period.done_on is not None:
        raise DeadlineError("approved_due_on", _("Kỳ báo cáo đã nộp; chỉ có thể từ chối."))
    new_due = approved_due_on or request.requested_due_on
    due = current_due(task, period)
    if due is not None and new_due <= due:
        raise DeadlineError(
            "approved_due_on",
            _(
                "Ngày gia hạn (%(new_due)s) phải sau thời hạn hiện tại (%(due)s).",
                new_due=_fmt(new_due),
                due=_fmt(due),
            ),
        )
    _refuse_past("approved_due_on", new_due, on)
    request.state = ExtensionState.APPROVED.value
    request.approved_due_on = new_due
    request.decision_note = (note or "").strip() or None
    _decided(request, user_id)
    if period is not None:
        period.due_on = new_due
    else:
        if task.original_due_on is None:
            task.original_due_on = task.due_on
        task.due_on = new_due
        task.updated_by_id = user_id
    db.session.flush()
    notify.extension_decided(request)
    return request


def refuse_extension(
    request: ExtensionRequest, *, note: str | None, user_id: int | None
) -> ExtensionRequest:
    """The office refuses, saying why (the agency sees the reason on the task)."""
    _check_pending(request)
    if not (note or "").strip():
        raise DeadlineError("note", _("Vui lòng nêu lý do từ chối."))
    request.state = ExtensionState.REFUSED.value
    request.decision_note = note.strip()
    _decided(request, user_id)
    db.session.flush()
    notify.extension_decided(request)
    return request


def _check_pending(request: ExtensionRequest) -> None:
    if request.state != ExtensionState.PENDING.value:
        raise DeadlineError("note", _("Đề nghị gia hạn này đã được xử lý."))


def _decided(request: ExtensionRequest, user_id: int | None) -> None:
    now = utcnow()
    request.decided_by_id = user_id
    request.decided_at = now
    request.decided_on = local_date(now)


def extension_counts() -> dict[str, int]:
    """How many requests are in each state (one GROUP BY)."""
    from sqlalchemy import func

    counts = {s.value: 0 for s in ExtensionState}
    for state, n in db.session.execute(
        select(ExtensionRequest.state, func.count()).group_by(ExtensionRequest.state)
    ):
        counts[state] = n
    return counts
