"""Directives (văn bản chỉ đạo): the documents that assign tasks."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.text import fold
from tracker.timeutil import utcnow


class DirectiveKind(enum.StrEnum):
    CONCLUSION = "Thông báo kết luận"
    DIRECTIVE = "Chỉ thị"
    DECISION = "Quyết định"
    PLAN = "Kế hoạch"
    LETTER = "Công văn"
    NOTICE = "Thông báo"
    OTHER = "Khác"


class Directive(db.Model):
    __tablename__ = "directive"
    __audited__ = True
    __audit_exclude__ = frozenset({"search_text", "full_text"})
    #: a number is unique within the year of issue ("5016/TB-VPUBND" of 2025)
    __table_args__ = (
        UniqueConstraint("number", "year", name="uq_directive_number_year"),
        # the dashboard's list of issuers (a DISTINCT over every directive) reads only this
        Index("ix_directive_issuer", "issuer"),
        # the searches' LIKE '%word%' (tracker.search), PostgreSQL only (tasks/models.py)
        Index(
            "ix_directive_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(50), default=DirectiveKind.CONCLUSION.value)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    issuer: Mapped[str] = mapped_column(String(255), default="")
    meeting_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")
    #: the original text, kept as received (pasted or uploaded); loaded only where shown (a
    #: 26 KB notice per row would weigh on every list that joins the directive)
    full_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    #: folded number, title and issuer for accent-insensitive search
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tasks: Mapped[list["Task"]] = relationship(  # noqa: F821
        back_populates="directive", order_by="Task.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["Attachment"]] = relationship(  # noqa: F821
        primaryjoin="Attachment.directive_id == Directive.id", viewonly=True
    )

    def refresh_search_text(self) -> None:
        """Recompute the folded search column; services call it before each flush."""
        self.year = self.issued_on.year
        self.search_text = fold(f"{self.number} {self.kind} {self.title} {self.issuer}")

    def __str__(self) -> str:
        return f"{self.kind} số {self.number}"
