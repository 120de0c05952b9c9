"""Attachments: files kept on disk under UPLOAD_DIR, described by a row."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow


class Attachment(db.Model):
    __tablename__ = "attachment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: exactly one owner is set: a directive, a task's completion, a progress update
    #: or a period's submission
    directive_id: Mapped[int | None] = mapped_column(
        ForeignKey("directive.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="CASCADE"), index=True
    )
    progress_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE"), index=True
    )
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
