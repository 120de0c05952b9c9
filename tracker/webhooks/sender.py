"""Delivering webhooks with the outbox's pattern: claim → send → mark (see reminders/outbox.py).

* **Claim**: a conditional UPDATE (pending and back-off passed, or a stale `sending` claim) that
  sets `sending` and counts the attempt, committed; only a rowcount of 1 lets this sender go on.
* **Send**: a POST with a short timeout, outside any transaction, signed with the endpoint's
  secret (signing.py). A 2xx answer is a delivery; anything else, or no answer, is a failure.
* **Mark**: `sent` with the response code and time, or back to `pending` with the outbox's
  exponential back-off, or `failed` after `TRACKER_WEBHOOK_MAX_ATTEMPTS`. After a failure the
  rest of that endpoint's queue waits for the next run, so a receiver that is down costs one
  attempt per run, not one per queued event; other endpoints go on.

As with SMTP, a crash between the receiver's 2xx and the mark can deliver one event twice; the
`X-Tracker-Delivery` header (the event id) lets a receiver drop that duplicate.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from tracker.extensions import db
from tracker.reminders.models import OutboxStatus
from tracker.reminders.outbox import STALE_AFTER, backoff
from tracker.reminders.services import leader_lock
from tracker.timeutil import utcnow
from tracker.webhooks import signing
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 20
DEFAULT_TIMEOUT = 5.0
BATCH_SIZE = 100


def max_attempts() -> int:
    return int(current_app.config.get("TRACKER_WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def timeout() -> float:
    return float(current_app.config.get("TRACKER_WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT))


def _claimable(now: datetime):
    return or_(
        and_(
            WebhookDelivery.status == OutboxStatus.PENDING.value,
            or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
        ),
        and_(
            WebhookDelivery.status == OutboxStatus.SENDING.value,
            WebhookDelivery.claimed_at < now - STALE_AFTER,
        ),
    )


@dataclass
class SendResult:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    locked_out: bool = False
    pending: int = 0


def claim(delivery_id: int, now: datetime) -> bool:
    """Take one delivery; True only for the one sender whose UPDATE changed the row."""
    result = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, _claimable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_at=now,
            attempts=WebhookDelivery.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


class DeliveryError(Exception):
    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


def post(url: str, secret: str, body: bytes, *, event: str, delivery: str, now: datetime) -> int:
    """POST one signed body; returns the 2xx status, raises DeliveryError otherwise."""
    stamp = str(int(now.timestamp()))
    req = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "tracker-webhooks/1",
            signing.TIMESTAMP_HEADER: stamp,
            signing.SIGNATURE_HEADER: signing.sign(secret, stamp, body),
            signing.EVENT_HEADER: event,
            signing.DELIVERY_HEADER: delivery,
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout()) as response:  # noqa: S310 (http(s) only)
            code = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}", exc.code) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= code < 300:
        raise DeliveryError(f"HTTP {code}", code)
    return code


def send_pending(limit: int = BATCH_SIZE) -> SendResult:
    """Deliver what is due now; the scheduler's minute job and `webhooks send` call this."""
    result = SendResult()
    with leader_lock("webhooks") as leader:
        if not leader:
            result.locked_out = True
            return result
        now = utcnow()
        rows = db.session.execute(
            select(WebhookDelivery.id, WebhookDelivery.endpoint_id)
            .where(_claimable(now))
            .order_by(WebhookDelivery.id)
            .limit(limit)
        ).all()
        db.session.commit()
        down: set[int] = set()
        for delivery_id, endpoint_id in rows:
            if endpoint_id in down or not claim(delivery_id, now):
                continue
            delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
            endpoint = db.session.get(WebhookEndpoint, endpoint_id)
            started = time.monotonic()
            try:
                if endpoint is None or not endpoint.active:
                    raise DeliveryError("endpoint inactive")
                code = post(
                    endpoint.url,
                    endpoint.secret,
                    delivery.body.encode("utf-8"),
                    event=delivery.event,
                    delivery=delivery.event_id,
                    now=utcnow(),
                )
            except DeliveryError as exc:
                _mark_failure(delivery, exc, now, started)
                result.failed += delivery.status == OutboxStatus.FAILED.value
                result.retry_later += delivery.status == OutboxStatus.PENDING.value
                log.warning(
                    "webhook %s to %s not delivered: %s", delivery.event_id, endpoint_id, exc
                )
                down.add(endpoint_id)
                continue
            delivery.status = OutboxStatus.SENT.value
            delivery.response_code = code
            delivery.response_ms = int((time.monotonic() - started) * 1000)
            delivery.last_attempt_at = utcnow()
            delivery.sent_at = delivery.last_attempt_at
            delivery.last_error = None
            delivery.next_attempt_at = None
            db.session.commit()
            result.sent += 1
    result.pending = count_pending()
    return result


def _mark_failure(
    delivery: WebhookDelivery, exc: DeliveryError, now: datetime, started: float
) -> None:
    delivery.last_error = str(exc)[:2000]
    delivery.response_code = exc.code
    delivery.response_ms = int((time.monotonic() - started) * 1000)
    delivery.last_attempt_at = utcnow()
    if delivery.attempts >= max_attempts():
        delivery.status = OutboxStatus.FAILED.value
        delivery.next_attempt_at = None
    else:
        delivery.status = OutboxStatus.PENDING.value
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    db.session.commit()


def count_pending() -> int:
    return db.session.execute(
        select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value))
        )
    ).scalar_one()


def resend(delivery: WebhookDelivery) -> None:
    """The office puts a delivery back in the queue with a fresh attempt count (caller commits)."""
    from tracker import audit

    audit.record(
        db.session(),
        action="update",
        entity="webhook_delivery",
        entity_id=delivery.id,
        changes={"status": [delivery.status, OutboxStatus.PENDING.value]},
    )
    delivery.status = OutboxStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.claimed_at = None
    delivery.last_error = None
