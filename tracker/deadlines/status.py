"""The state of a task on a given day.

The Government Office counts due tasks as done (on time / late) or not done (within the deadline /
overdue) — Báo cáo 1270/BC-TCTTTg (2017) — and provinces add tasks without a deadline, tasks
due soon (within 7 days) and cancelled tasks. Every state here is computed *as of the end of a
local calendar day* (Asia/Ho_Chi_Minh; callers convert timestamps with
``tracker.timeutil.local_date``), from dates only, so that:

* a report for a past date can be recomputed and gives the same answer it gave then — nothing
  that happened after ``as_of`` (a completion, a cancellation, an extension decided later) is
  looked at;
* "done on the due date" is on time, and a task becomes overdue on the day after its due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "Status",
    "days_overdue",
    "due_on_as_of",
    "is_due_soon",
    "status_as_of",
]


class Status(StrEnum):
    """A task's state; the values are stable codes (stored in snapshots and used in URLs)."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_OVERDUE = "open_overdue"
    NO_DEADLINE = "no_deadline"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The Vietnamese label used in lists, filters and Excel exports."""
        return _LABELS[self]

    @property
    def css_class(self) -> str:
        """The colour the UI gives the state (red overdue, green done, …)."""
        return _CSS[self]

    @property
    def is_done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE)

    @property
    def is_overdue(self) -> bool:
        """Late, whether finished late or still open past the deadline."""
        return self in (Status.DONE_LATE, Status.OPEN_OVERDUE)


_LABELS = {
    Status.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Status.DONE_LATE: "Hoàn thành quá hạn",
    Status.OPEN_ON_TIME: "Đang thực hiện trong hạn",
    Status.OPEN_OVERDUE: "Đang thực hiện quá hạn",
    Status.NO_DEADLINE: "Không thời hạn",
    Status.CANCELLED: "Dừng/hủy",
}

_CSS = {
    Status.DONE_ON_TIME: "green",
    Status.DONE_LATE: "teal",
    Status.OPEN_ON_TIME: "blue",
    Status.OPEN_OVERDUE: "red",
    Status.NO_DEADLINE: "grey",
    Status.CANCELLED: "dark",
}


def status_as_of(
    as_of: date,
    *,
    due_on: date | None,
    done_on: date | None,
    cancelled_on: date | None = None,
) -> Status:
    """The state of a task at the end of day ``as_of``.

    * ``done_on`` counts only if ``done_on <= as_of``: a task finished later was still open then.
    * Cancelled only if ``cancelled_on <= as_of``; a task completed on or before the day it was
      cancelled keeps its completed state (cancelling finished work changes nothing).
    * Done: on time if ``done_on <= due_on`` (done on the due date is on time), late otherwise.
      A completed task without a deadline is "done on time" — it cannot have missed one; reports
      that rate punctuality count only tasks that had a deadline.
    * Open: no deadline → ``NO_DEADLINE``; overdue once ``as_of > due_on``; otherwise on time.

    ``due_on`` is the deadline in force on ``as_of`` — pass ``due_on_as_of(...)`` when there are
    extensions.
    """
    done = done_on if done_on is not None and done_on <= as_of else None
    if cancelled_on is not None and cancelled_on <= as_of:
        if done is None or done > cancelled_on:
            return Status.CANCELLED
    if done is not None:
        if due_on is None or done <= due_on:
            return Status.DONE_ON_TIME
        return Status.DONE_LATE
    if due_on is None:
        return Status.NO_DEADLINE
    return Status.OPEN_OVERDUE if as_of > due_on else Status.OPEN_ON_TIME


def is_due_soon(
    as_of: date,
    due_on: date | None,
    done_on: date | None,
    days: int = 7,
    *,
    cancelled_on: date | None = None,
) -> bool:
    """True if the task is open and due within ``days`` days: ``as_of <= due_on <= as_of + days``.

    "Sắp đến hạn" is 7 days in provincial practice; a task due today is still due soon (not
    overdue until tomorrow). Done or cancelled tasks (as of ``as_of``) are never due soon.
    """
    if due_on is None:
        return False
    if done_on is not None and done_on <= as_of:
        return False
    if cancelled_on is not None and cancelled_on <= as_of:
        return False
    return as_of <= due_on <= as_of + timedelta(days=days)


def due_on_as_of(
    as_of: date,
    original_due_on: date | None,
    extensions: Iterable[tuple[date, date]],
) -> date | None:
    """The deadline in force at the end of ``as_of``.

    ``extensions`` are the approved extensions as ``(decided_on, new_due_on)``; the one decided
    last on or before ``as_of`` wins (on a tie, the later in the iterable), whether it moves the
    deadline later or earlier. Extensions decided after ``as_of`` are ignored, so a task that
    was overdue on a day stays overdue for that day even if it is extended afterwards.
    """
    current = original_due_on
    latest: date | None = None
    for decided_on, new_due_on in extensions:
        if decided_on <= as_of and (latest is None or decided_on >= latest):
            latest = decided_on
            current = new_due_on
    return current


def days_overdue(as_of: date, due_on: date | None, done_on: date | None) -> int:
    """Calendar days past the deadline as of ``as_of``; 0 if not late or without a deadline.

    For a task still open this grows each day (``as_of - due_on``); for a task finished late it
    is frozen at ``done_on - due_on``. Calendar days, not working days, because the provincial
    thresholds ("quá hạn trên 30 ngày", "trên 120 ngày") are stated in days.
    """
    if due_on is None:
        return 0
    end = done_on if done_on is not None and done_on <= as_of else as_of
    return max(0, (end - due_on).days)
