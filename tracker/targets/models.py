"""A task's chỉ tiêu (numeric targets) and its checklist of sub-items."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.targets.rules import SYMBOLS, Comparison, format_quantity, is_met, percent_done
from tracker.tasks.models import Task


class TaskTarget(db.Model):
    """ "ít nhất 5 giải pháp": a comparison, a quantity and a unit, and what the agency
    reported reaching (the latest report wins; the audit log keeps every earlier value)."""

    __tablename__ = "task_target"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the line as the office typed it (or the extraction read it)
    label: Mapped[str] = mapped_column(String(300))
    #: "gte", "lte" or "eq" (tracker.targets.rules.Comparison)
    comparison: Mapped[str] = mapped_column(String(3), default=Comparison.AT_LEAST.value)
    quantity: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    unit: Mapped[str] = mapped_column(String(100))
    #: the value the agency reported reaching; None until its first report
    achieved: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    task: Mapped[Task] = relationship()

    @property
    def met(self) -> bool | None:
        return is_met(self.comparison, self.quantity, self.achieved)

    @property
    def percent(self) -> int | None:
        return percent_done(self.comparison, self.quantity, self.achieved)

    def describe(self) -> str:
        return (
            f"{SYMBOLS[Comparison(self.comparison)]} {format_quantity(self.quantity)} {self.unit}"
        )

    def __str__(self) -> str:
        return self.label


class TaskChecklistItem(db.Model):
    """One sub-item of a task ("Xây dựng kế hoạch", "Tổ chức hội nghị"), ticked by the agency."""

    __tablename__ = "task_checklist_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    def __str__(self) -> str:
        return self.text


# the task page and the report read a task's targets and items in order
Index("ix_task_target_task", TaskTarget.task_id, TaskTarget.position)
Index("ix_task_checklist_item_task", TaskChecklistItem.task_id, TaskChecklistItem.position)
