"""Placeholder of the four-way status; replaced by the deadlines work."""

import enum
from datetime import date


class Status(enum.StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_OVERDUE = "open_overdue"
    NO_DEADLINE = "no_deadline"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def css(self) -> str:
        return CSS[self]


LABELS = {
    Status.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Status.DONE_LATE: "Hoàn thành quá hạn",
    Status.OPEN_ON_TIME: "Đang thực hiện trong hạn",
    Status.OPEN_OVERDUE: "Đang thực hiện quá hạn",
    Status.NO_DEADLINE: "Không thời hạn",
    Status.CANCELLED: "Dừng/hủy",
}
CSS = {
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
    if cancelled_on is not None and cancelled_on <= as_of:
        return Status.CANCELLED
    if done_on is not None and done_on <= as_of:
        if due_on is None or done_on <= due_on:
            return Status.DONE_ON_TIME
        return Status.DONE_LATE
    if due_on is None:
        return Status.NO_DEADLINE
    return Status.OPEN_OVERDUE if as_of > due_on else Status.OPEN_ON_TIME


def is_due_soon(as_of: date, due_on: date | None, done_on: date | None, days: int = 7) -> bool:
    if due_on is None or (done_on is not None and done_on <= as_of):
        return False
    return 0 <= (due_on - as_of).days <= days
