"""Who inside an agency handles a task (giao xử lý): one row per task and agency."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class SubAssignment(db.Model):
    """The current sub-assignee of a task inside one of its agencies.

    Changing it updates the row and clearing it deletes the row: the audit rows (with the
    task's id) keep the history, and the task's timeline shows them. `assignee_label` keeps
    the name as it read when given, so the history stays readable after an account goes.
    """

    __tablename__ = "task_subassignment"
    __audited__ = True
    __audit_exclude__ = ("assigned_by_id",)
    __table_args__ = (UniqueConstraint("task_id", "agency_id", name="uq_task_subassignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    #: an officer of the agency, or None when the task went to a phòng
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    #: the phòng's name, or the officer's name and address
    assignee_label: Mapped[str] = mapped_column(String(200))
    assign_note: Mapped[str] = mapped_column(Text, default="")
    internal_due_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
