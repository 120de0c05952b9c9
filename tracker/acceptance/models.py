"""One completion report of an agency and the office's decision on it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.dbtypes import UTCDateTime
from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class ClaimState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ClaimState.PENDING: "Chờ xác nhận",
    ClaimState.ACCEPTED: "Đã xác nhận",
    ClaimState.RETURNED: "Trả lại",
}


class CompletionClaim(db.Model):
    """An agency's "hoàn thành" of a task (``period_id`` NULL) or of one reporting period,
    kept with the office's decision: the history of every submission, acceptance and return
    (the task/period row only holds the current one)."""

    __tablename__ = "completion_claim"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE")
    )
    #: the completion date the agency reports (the task is done on it once accepted)
    reported_on: Mapped[date] = mapped_column(Date)
    report_number: Mapped[str] = mapped_column(String(100))
    report_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default=ClaimState.PENDING.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why the office returned it
    reason: Mapped[str | None] = mapped_column(Text)

    # a deleted task or period takes its reports along
    task: Mapped[Task] = relationship(
        backref=db.backref("completion_claims", cascade="all, delete-orphan")
    )
    period: Mapped[ReportingPeriod | None] = relationship(
        backref=db.backref("completion_claims", cascade="all, delete-orphan")
    )
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def state_label(self) -> str:
        return ClaimState(self.state).label


# the office's "Chờ xác nhận" list and its count read the pending claims
Index("ix_completion_claim_state", CompletionClaim.state)
Index("ix_completion_claim_task", CompletionClaim.task_id)
