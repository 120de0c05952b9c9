"""The index register: index → lĩnh vực → tiêu chí → tiêu chí thành phần, with points."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class ScoreIndex(db.Model):
    """One index the province is scored on: "PAR" (Chỉ số cải cách hành chính), "PAPI", …"""

    __tablename__ = "score_index"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self) -> str:
        return self.name


class IndexCriterion(db.Model):
    """A lĩnh vực (level 1), tiêu chí (2) or tiêu chí thành phần (3) of an index.

    `code` is its number in the register ("1", "1.2", "1.2.3"): the level and the parent
    follow from it. The agency tracks it (theo dõi, tổng hợp) and answers for it.
    """

    __tablename__ = "index_criterion"
    __audited__ = True
    __table_args__ = (UniqueConstraint("index_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("score_index.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("index_criterion.id", ondelete="CASCADE")
    )
    level: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(Text)
    max_points: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    #: the register's order (the line of the imported file)
    position: Mapped[int] = mapped_column(Integer, default=0)

    index: Mapped[ScoreIndex] = relationship()
    agency: Mapped[Agency | None] = relationship()

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class TaskCriterion(db.Model):
    """A task serves a criterion: a criterion lost points to the tasks that should have
    earned them. A row of its own (not a bare link table) so tagging leaves audit rows."""

    __tablename__ = "task_criterion"
    __audited__ = True
    __table_args__ = (UniqueConstraint("task_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("index_criterion.id", ondelete="CASCADE"), index=True
    )

    task: Mapped[Task] = relationship()
    criterion: Mapped[IndexCriterion] = relationship()


class CriterionAssessment(db.Model):
    """A quarter's đạt / chưa đạt of one criterion, recorded by the agency that tracks it.

    One row per criterion, year and quarter: a second record corrects the first (the audit
    log keeps what it said before).
    """

    __tablename__ = "criterion_assessment"
    __audited__ = True
    __table_args__ = (UniqueConstraint("criterion_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("index_criterion.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    met: Mapped[bool] = mapped_column(Boolean)
    points_lost: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    reason: Mapped[str | None] = mapped_column(Text)
    #: "do nguyên nhân khách quan": not held against the head of the agency (5016)
    objective: Mapped[bool] = mapped_column(Boolean, default=False)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criterion: Mapped[IndexCriterion] = relationship()


class IndexResult(db.Model):
    """The province's published score and rank on an index for a year ("xếp hạng 37/63")."""

    __tablename__ = "index_result"
    __audited__ = True
    __table_args__ = (UniqueConstraint("index_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    index_id: Mapped[int] = mapped_column(ForeignKey("score_index.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    rank: Mapped[int | None] = mapped_column(Integer)
    #: how many provinces were ranked (63 before the 2025 merger, 34 after)
    rank_of: Mapped[int | None] = mapped_column(Integer)


Index("ix_index_criterion_index", IndexCriterion.index_id, IndexCriterion.position)
Index("ix_index_criterion_agency", IndexCriterion.agency_id)
Index("ix_index_criterion_parent", IndexCriterion.parent_id)
Index("ix_task_criterion_task", TaskCriterion.task_id)
Index("ix_criterion_assessment_year", CriterionAssessment.year, CriterionAssessment.quarter)
