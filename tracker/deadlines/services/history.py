"""States as of a day, from history: the approved extensions of tasks and periods, the
deadline in force and the state of a task or a period at the end of a day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.models import (
    ExtensionRequest,
    ExtensionState,
    ReportingPeriod,
)
from tracker.deadlines.obligations import task_due_on_as_of
from tracker.deadlines.periods import (
    PeriodSettings,
)
from tracker.deadlines.services.reporting import task_schedule
from tracker.deadlines.status import Status, due_on_as_of, is_due_soon, status_as_of
from tracker.extensions import db
from tracker.tasks.models import Task

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
