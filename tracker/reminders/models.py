"""The outbox (one row per email) and the record of each reminder sent.

Both tables carry a unique key, and that key — not the scheduler, not a lock — is what makes a
reminder go out once: a second sweep, a second scheduler or a re-run after a crash inserts the
same key and gets nothing.
"""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  #: waiting to be sent (or to be retried)
    SENDING = "sending"  #: claimed by a sender; a stale claim is retried
    SENT = "sent"
    FAILED = "failed"  #: gave up after the maximum number of attempts

    @property
    def label(self) -> str:
        return {
            "pending": "Chờ gửi",
            "sending": "Đang gửi",
            "sent": "Đã gửi",
            "failed": "Gửi không thành công",
        }[self.value]


class OutboxEmail(db.Model):
    """One email to send: who, what, and where its delivery stands."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "digest:<agency_id>:<date>" or "summary:<date>": one email per agency (office) per day
    dedup_key: Mapped[str] = mapped_column(String(120), unique=True)
    #: digest (to an agency) or summary (to the office)
    kind: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    #: the local day the email is about
    for_day: Mapped[date] = mapped_column(Date, index=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    cc: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value)
    #: delivery attempts so far (counted at claim time, so a crash mid-send counts too)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: after a failure, not retried before this time (back-off)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency | None] = relationship()
    reminders: Mapped[list["ReminderRecord"]] = relationship(
        back_populates="outbox", order_by="ReminderRecord.id"
    )

    @property
    def status_label(self) -> str:
        return OutboxStatus(self.status).label

    @property
    def all_recipients(self) -> list[str]:
        return [*self.recipients, *(self.cc or [])]


# The sender looks for pending rows whose back-off has passed.
Index("ix_outbox_email_status_next", OutboxEmail.status, OutboxEmail.next_attempt_at)


class ReminderRecord(db.Model):
    """A reminder (one threshold of one deadline) that went into an agency's digest."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "<subject>:<agency_id>:<threshold>:<due date>", e.g. "task:12:4:before:7:2025-08-15";
    #: the due date is part of the key, so an extension starts a fresh cycle of reminders
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    #: lead (chủ trì) or via (the consolidating agency's own deadline)
    role: Mapped[str] = mapped_column(String(10))
    #: due_soon, due_today, overdue, escalated or update_requested
    kind: Mapped[str] = mapped_column(String(20))
    #: "before:7", "due", "overdue:8", "escalate:14", "update:<anchor>:<n>"
    threshold: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date | None] = mapped_column(Date)
    #: the local day of the sweep that sent it
    on_day: Mapped[date] = mapped_column(Date)
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_email.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    outbox: Mapped[OutboxEmail | None] = relationship(back_populates="reminders")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.dedup_key, "kind": self.kind, "on_day": self.on_day.isoformat()}


KIND_LABELS = {
    "due_soon": "Sắp đến hạn",
    "due_today": "Đến hạn",
    "overdue": "Quá hạn",
    "escalated": "Quá hạn, báo cáo lãnh đạo",
    "update_requested": "Đề nghị cập nhật tiến độ",
}
