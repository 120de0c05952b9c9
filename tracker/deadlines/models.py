"""Reporting periods, extension requests and the office's calendar exceptions."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class ReportingPeriod(db.Model):
    """One period (kỳ báo cáo) of a recurring task, with its own due date and submission."""

    __tablename__ = "reporting_period"
    __audited__ = True
    #: periods are created ahead and on demand: the key makes a second creation a no-op
    __table_args__ = (UniqueConstraint("task_id", "key", name="uq_reporting_period_task_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    #: stable key of the period, e.g. "2025-Q3", "2025-M07", "2025-H1"
    key: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    original_due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_number: Mapped[str | None] = mapped_column(String(100))
    report_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: acceptance (tracker.acceptance, issue 16): as on `Task`
    submitted_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    excused_on: Mapped[date | None] = mapped_column(Date)
    excused_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship(
        backref=db.backref("periods", order_by="ReportingPeriod.due_on", cascade="all")
    )


Index("ix_reporting_period_task_due", ReportingPeriod.task_id, ReportingPeriod.due_on)
Index("ix_reporting_period_due_done", ReportingPeriod.due_on, ReportingPeriod.done_on)
# the period report picks the periods whose original due date falls in its window
Index("ix_reporting_period_original_due_on", ReportingPeriod.original_due_on)
# Today's open periods (not submitted): the obligations Tổng quan counts and lists beside the
# open tasks. Their predicate is the period's half of `deadlines.status.is_open_sql(today)` (the
# other half, the task's cancellation, is on the task's row).
# the state counts of the periods read only these columns (an index-only scan)
Index(
    "ix_reporting_period_states",
    ReportingPeriod.task_id,
    ReportingPeriod.starts_on,
    ReportingPeriod.due_on,
    ReportingPeriod.done_on,
)
_OPEN_PERIOD = ReportingPeriod.done_on.is_(None)
Index(
    "ix_reporting_period_open_due",
    ReportingPeriod.due_on,
    ReportingPeriod.task_id,
    postgresql_where=_OPEN_PERIOD,
    sqlite_where=_OPEN_PERIOD,
)
Index(
    "ix_reporting_period_open_task",
    ReportingPeriod.task_id,
    ReportingPeriod.due_on,
    postgresql_where=_OPEN_PERIOD,
    sqlite_where=_OPEN_PERIOD,
)

# completed periods, newest first: Tổng quan's "Mới hoàn thành" (migration 0018_perf12)
_DONE_PERIOD = ReportingPeriod.done_on.is_not(None)
Index(
    "ix_reporting_period_done",
    ReportingPeriod.done_on,
    ReportingPeriod.task_id,
    postgresql_where=_DONE_PERIOD,
    sqlite_where=_DONE_PERIOD,
)


class ExtensionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"pending": "Chờ xử lý", "approved": "Đã chấp thuận", "refused": "Đã từ chối"}[
            self.value
        ]


class ExtensionRequest(db.Model):
    """A request for more time (gia hạn) and the office's decision on it."""

    __tablename__ = "extension_request"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE")
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the due date in force when the request was made
    previous_due_on: Mapped[date | None] = mapped_column(Date)
    requested_due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=ExtensionState.PENDING.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: local date of the decision: the approved date is in force from that day on
    decided_on: Mapped[date | None] = mapped_column(Date)
    approved_due_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship(
        # a deleted task takes its requests along (without the cascade the ORM would try to
        # set their NOT NULL task_id to NULL, and deleting the task or its directive fails)
        backref=db.backref(
            "extension_requests",
            order_by="ExtensionRequest.requested_at",
            cascade="all, delete-orphan",
        )
    )
    period: Mapped[ReportingPeriod | None] = relationship()
    requested_by: Mapped["User | None"] = relationship(foreign_keys=[requested_by_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def state_label(self) -> str:
        return ExtensionState(self.state).label


Index("ix_extension_request_state", ExtensionRequest.state)

# One pending request at a time: per task for the task's own due date, and per period for a
# recurring task's periods (a task may have both). `request_extension` checks this first and
# says so in Vietnamese; these indexes make the rule hold when two submissions race (a double
# click, two officers of the agency), and the service turns the loser's IntegrityError into the
# same message. Partial indexes, so that decided requests never conflict.
_PENDING = ExtensionRequest.state == ExtensionState.PENDING.value
_PENDING_FOR_TASK = _PENDING & ExtensionRequest.period_id.is_(None)
_PENDING_FOR_PERIOD = _PENDING & ExtensionRequest.period_id.is_not(None)
Index(
    "uq_extension_request_pending_task",
    ExtensionRequest.task_id,
    unique=True,
    postgresql_where=_PENDING_FOR_TASK,
    sqlite_where=_PENDING_FOR_TASK,
)
Index(
    "uq_extension_request_pending_period",
    ExtensionRequest.task_id,
    ExtensionRequest.period_id,
    unique=True,
    postgresql_where=_PENDING_FOR_PERIOD,
    sqlite_where=_PENDING_FOR_PERIOD,
)
#: names of the indexes above, for telling their IntegrityError from any other
PENDING_INDEXES = ("uq_extension_request_pending_task", "uq_extension_request_pending_period")


class CalendarException(db.Model):
    """A day the Government announced as off, or a Saturday announced as a working day."""

    __tablename__ = "calendar_exception"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    #: "off" (nghỉ bù, nghỉ thêm) or "working" (làm bù)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(255), default="")
