"""A reminder letter (công văn đôn đốc / nhắc nhở) and the overdue obligations it lists.

The letter keeps what was printed — its header, request, new deadline and signer — and the
.docx itself (an `Attachment` with no other owner), so the office can download exactly what
went to the chairman. Each listed obligation is a `ReminderLetterItem` linked to its task: the
task's timeline shows "Đã gửi công văn đôn đốc ngày …" from it, and its audit row carries the
task's id.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow

#: the two kinds of letter the office drafts (the trích yếu and the request change with it)
KIND_URGE = "don_doc"
KIND_REMIND = "nhac_nho"
KINDS = (KIND_URGE, KIND_REMIND)


class ReminderLetter(db.Model):
    """One .docx: to one agency, or to every agency selected together."""

    __tablename__ = "reminder_letter"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: letters drafted by one submission share it (one per agency: downloaded as one zip)
    batch: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=KIND_URGE)
    #: the header as printed (Nghị định 30/2020: cơ quan chủ quản, cơ quan ban hành)
    parent_body: Mapped[str] = mapped_column(String(255), default="")
    issuing_body: Mapped[str] = mapped_column(String(255))
    #: the symbol after "Số:      /" (the clerk writes the number when the letter is signed)
    symbol: Mapped[str] = mapped_column(String(50))
    place: Mapped[str] = mapped_column(String(100))
    #: the date printed on the letter; none: "ngày … tháng … năm …" left for the clerk
    letter_date: Mapped[date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(Text)
    request_text: Mapped[str] = mapped_column(Text)
    new_due_on: Mapped[date] = mapped_column(Date)
    signer_authority: Mapped[str] = mapped_column(String(100), default="")
    signer_title: Mapped[str] = mapped_column(String(100))
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    recipients_extra: Mapped[str] = mapped_column(Text, default="")
    #: the day the overdue obligations were counted
    as_of: Mapped[date] = mapped_column(Date)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list["ReminderLetterItem"]] = relationship(
        back_populates="letter", order_by="ReminderLetterItem.id", cascade="all, delete-orphan"
    )

    @property
    def sent_on(self) -> date:
        """The day the letter speaks of: its printed date, else the day it was drafted."""
        if self.letter_date:
            return self.letter_date
        from tracker.timeutil import zone

        return self.created_at.astimezone(zone()).date()

    def __str__(self) -> str:
        return f"Công văn đôn đốc #{self.id}"


class ReminderLetterItem(db.Model):
    """One overdue obligation as the letter printed it (a snapshot: the task may move on)."""

    __tablename__ = "reminder_letter_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(
        ForeignKey("reminder_letter.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="SET NULL")
    )
    #: "task", "period" or "via" (tracker.deadlines.obligations)
    kind: Mapped[str] = mapped_column(String(10))
    directive: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    days_overdue: Mapped[int] = mapped_column(Integer)

    letter: Mapped[ReminderLetter] = relationship(back_populates="items")
