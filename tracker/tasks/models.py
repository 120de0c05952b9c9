"""Tasks (nhiệm vụ) and their progress updates (báo cáo tiến độ)."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.dbtypes import UTCDateTime
from tracker.deadlines.status import is_one_off, is_one_off_sql
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.text import fold
from tracker.timeutil import utcnow

#: co-agencies (đơn vị phối hợp) of a task
task_co_agency = Table(
    "task_co_agency",
    db.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id"), primary_key=True, index=True),
)


class Task(db.Model):
    __tablename__ = "task"
    __audited__ = True
    __audit_exclude__ = frozenset({"search_text", "updated_at", "updated_by_id", "version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directive.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(Text)
    #: the sentence(s) of the directive this task came from
    source_text: Mapped[str] = mapped_column(Text, default="")
    #: folded content for accent-insensitive search
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: chủ trì: exactly one lead agency (NĐ 39/2022)
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    #: "qua Sở Nội vụ tổng hợp": the agency the report goes through
    via_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    #: the via agency's own consolidation deadline (two-hop reporting)
    via_due_on: Mapped[date | None] = mapped_column(Date)
    #: when the via agency delivered its consolidated report
    via_done_on: Mapped[date | None] = mapped_column(Date)

    #: the due date in force (after approved extensions); None for "thường xuyên"
    due_on: Mapped[date | None] = mapped_column(Date)
    #: the due date the directive set
    original_due_on: Mapped[date | None] = mapped_column(Date)

    #: reporting cadence: none, monthly, quarterly, semiannual, annual,
    #: quarterly-cumulative or custom (see tracker.deadlines.periods)
    cadence: Mapped[str] = mapped_column(String(30), default="none")
    #: RFC 5545 RRULE for the custom cadence
    cadence_rule: Mapped[str | None] = mapped_column(Text)
    #: the task's own due day for its periods: "20" (day of the period's last month)
    #: or "15/12" (day/month); empty means the province setting
    period_due_day: Mapped[str | None] = mapped_column(String(10))
    #: first and last day a recurring task reports on
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    #: completion: the local date it was done, and the report that proves it
    done_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_report_number: Mapped[str | None] = mapped_column(String(100))
    done_report_date: Mapped[date | None] = mapped_column(Date)
    done_note: Mapped[str | None] = mapped_column(Text)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: acceptance (tracker.acceptance, issue 16): the agency's reported completion date while
    #: the office has not accepted it (chờ xác nhận); kept once accepted, for history
    submitted_on: Mapped[date | None] = mapped_column(Date)
    #: the day the office accepted the completion (it counts from then, dated done_on)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    #: "do nguyên nhân khách quan": unmet for an objective cause, left out of the rates
    excused_on: Mapped[date | None] = mapped_column(Date)
    excused_reason: Mapped[str | None] = mapped_column(Text)

    #: dừng/hủy: cancelled or suspended by the office, with a reason; kept in history
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: the office can pause reminders on one task
    reminders_paused: Mapped[bool] = mapped_column(Boolean, default=False)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: bumped by every UPDATE, which says which version it read (optimistic locking): of two
    #: completions racing, the second changes nothing and gets StaleDataError (issue 14)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    directive: Mapped[Directive] = relationship(back_populates="tasks")
    lead_agency: Mapped[Agency] = relationship(foreign_keys=[lead_agency_id])
    via_agency: Mapped[Agency | None] = relationship(foreign_keys=[via_agency_id])
    co_agencies: Mapped[list[Agency]] = relationship(secondary=task_co_agency, order_by=Agency.name)
    __mapper_args__ = {"version_id_col": version}

    progress_updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="ProgressUpdate.created_at"
    )

    def refresh_search_text(self) -> None:
        """Recompute the folded search column; services call it before each flush."""
        self.search_text = fold(self.content)

    @property
    def is_recurring(self) -> bool:
        """A recurring task reports per period (`tracker.deadlines.status.is_one_off`)."""
        return not is_one_off(self.cadence)

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None

    def __str__(self) -> str:
        return f"Nhiệm vụ #{self.id}"


# The lists and reports filter by agency and due date and split done/open; these indexes
# serve "my agency's open tasks by due date" and the per-agency aggregates.
Index("ix_task_lead_done_due", Task.lead_agency_id, Task.done_on, Task.due_on)
Index("ix_task_due_on", Task.due_on)
# the period report picks the tasks whose original due date falls in its window
Index("ix_task_original_due_on", Task.original_due_on)
# done_on first (date ranges of completions), then what the dashboard's state counts read, so
# the office's counts over every task are an index-only scan (issue 7)
Index("ix_task_done_due_cancelled", Task.done_on, Task.due_on, Task.cancelled_on, Task.cadence)
# the periods' state counts join their task for its cadence and cancellation (issue 12)
Index("ix_task_cadence_cancelled", Task.cadence, Task.id, Task.cancelled_on, Task.lead_agency_id)
Index("ix_task_directive", Task.directive_id)
# the search's LIKE '%word%' on the folded text (tracker.search), on PostgreSQL only: pg_trgm
# (migration 0018_search17; tracker.sql.schema_filter keeps SQLite's comparison without it)
Index(
    "ix_task_search_trgm",
    Task.search_text,
    postgresql_using="gin",
    postgresql_ops={"search_text": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
Index("ix_task_via_agency", Task.via_agency_id)

# Today's work is the open tasks: a minority of the table that only shrinks relative to it as
# years pass. These partial indexes hold only them, so an agency's overdue list, the office's
# overdue counts per agency and the "due in 7 days" list read a few index pages instead of every
# task due before today. Their predicate is `deadlines.status.is_open_sql(today)`, word for word.
_OPEN = (Task.done_on.is_(None)) & (Task.cancelled_on.is_(None))
Index(
    "ix_task_open_lead_due",
    Task.lead_agency_id,
    Task.due_on,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index(
    "ix_task_open_via_due",
    Task.via_agency_id,
    Task.due_on,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index("ix_task_open_due", Task.due_on, postgresql_where=_OPEN, sqlite_where=_OPEN)
# the via agencies' own open deadlines (`deadlines.obligations`, two-hop reporting)
_OPEN_VIA = (Task.via_done_on.is_(None)) & (Task.cancelled_on.is_(None))
Index(
    "ix_task_open_via_item",
    Task.via_due_on,
    Task.via_agency_id,
    postgresql_where=_OPEN_VIA,
    sqlite_where=_OPEN_VIA,
)


class ProgressUpdate(db.Model):
    """A progress report (báo cáo tiến độ) posted by an agency on a task."""

    __tablename__ = "progress_update"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the random key of the form that posted it: a retried POST finds this row (issue 14)
    request_key: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)

    task: Mapped[Task] = relationship(back_populates="progress_updates")
    author: Mapped["User | None"] = relationship()  # noqa: F821
    agency: Mapped[Agency | None] = relationship()


# The recurring tasks (about 8 % of them): every reporting period's obligation joins its task for
# its cadence and cancellation (`deadlines.obligations.arms`), and `cadence NOT IN (…)` cannot be
# an index condition, so without this the periods' counts, per-agency lists and the task list's
# period filter read the whole task table (or all of an agency's tasks). Its predicate is
# ``NOT is_one_off_sql(cadence)``, word for word (issue 12, migration 0011_perf).
_RECURRING = ~is_one_off_sql(Task.cadence)
Index(
    "ix_task_recurring",
    Task.lead_agency_id,
    Task.id,
    Task.cancelled_on,
    postgresql_where=_RECURRING,
    sqlite_where=_RECURRING,
)
# The via agencies' own items, done ones included (`deadlines.obligations.has_via_item_sql`, word
# for word): their state counts read only these columns, an index-only scan instead of the heap
# of every task with a via agency (issue 12, migration 0011_perf).
_VIA_ITEM = (Task.via_agency_id.is_not(None)) & (
    (Task.via_due_on.is_not(None)) | (Task.via_done_on.is_not(None))
)
Index(
    "ix_task_via_item_states",
    Task.via_agency_id,
    Task.via_due_on,
    Task.via_done_on,
    Task.cancelled_on,
    postgresql_where=_VIA_ITEM,
    sqlite_where=_VIA_ITEM,
)
