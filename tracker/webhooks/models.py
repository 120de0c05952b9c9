"""Webhook endpoints the office registered, and the queue of deliveries to them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.reminders.models import OutboxStatus
from tracker.timeutil import utcnow

#: every event an endpoint may subscribe to, in the order the form lists them
EVENTS = (
    "task.assigned",
    "task.due_soon",
    "task.overdue",
    "task.completed",
    "extension.requested",
    "extension.decided",
    "directive.created",
)


class EndpointKind(enum.StrEnum):
    JSON = "json"  #: the signed JSON event
    GATEWAY = "gateway"  #: {"text": "..."}: a short Vietnamese message for a Zalo/SMS gateway


class WebhookEndpoint(db.Model):
    """Where to POST which events: for one agency's tasks, or for all (agency_id NULL)."""

    __tablename__ = "webhook_endpoint"
    __audited__ = True
    #: the secret never goes into the journal
    __audit_exclude__ = ("secret",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(10), default=EndpointKind.JSON.value)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship()


class WebhookDelivery(db.Model):
    """One event to POST to one endpoint, and where its delivery stands (as an outbox email)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the event's own id ("task.completed:12:2026-12-07T…"): one delivery per event and endpoint
    event_id: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(40))
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    #: the exact body POSTed, fixed at queue time so every retry sends the same bytes
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    response_code: Mapped[int | None] = mapped_column(Integer)
    #: how long the last attempt took, in milliseconds
    response_ms: Mapped[int | None] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()

    @property
    def status_label(self) -> str:
        return OutboxStatus(self.status).label

    def payload(self) -> dict[str, Any]:
        import json

        return json.loads(self.body)
