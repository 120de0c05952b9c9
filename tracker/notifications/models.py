"""Notifications (one per event and audience) and what each user has read."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class Audience(enum.StrEnum):
    AGENCY = "agency"  #: the officers of `agency_id`
    OFFICE = "office"  #: office_admin and office_staff
    LEADER = "leader"  #: leaders


class Notification(db.Model):
    """Something an audience should know about, linking to a task (or a directive)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "<event>:<audience>": the same event never produces two rows for one audience
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: assigned, extension_approved, extension_refused, extension_requested, reopened,
    #: period_reopened, directive_saved, or a reminder kind (due_soon, overdue, escalated, …)
    kind: Mapped[str] = mapped_column(String(30))
    audience: Mapped[str] = mapped_column(String(10))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    directive_id: Mapped[int | None] = mapped_column(
        ForeignKey("directive.id", ondelete="CASCADE"), index=True
    )
    #: what the message needs (directive number, dates as ISO text, a reason…); the text
    #: itself is written when shown, in the reader's language
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task | None] = relationship()
    directive: Mapped[Directive | None] = relationship()


# The bell: one COUNT over (audience, agency_id, id > cursor); the list orders by id.
Index("ix_notification_audience", Notification.audience, Notification.agency_id, Notification.id)
Index("ix_notification_task", Notification.task_id)


class NotificationRead(db.Model):
    """One notification one user has marked read (or opened)."""

    __tablename__ = "notification_read"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationCursor(db.Model):
    """ "Mark all read": every notification up to `read_through_id` counts as read for the user,
    so marking a thousand is one row, not a thousand."""

    __tablename__ = "notification_cursor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    read_through_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
