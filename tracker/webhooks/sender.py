"""Delivering webhooks: the `tracker.delivery` loop (the outbox's) with an HTTP channel.

* **Claim → send → mark** as the outbox: `tracker.delivery` (a conditional UPDATE claims a
  row; the "sent" mark is retried, never the send; back-off; `failed` after
  `TRACKER_WEBHOOK_MAX_ATTEMPTS`).
* **Send**: a POST with a short timeout, outside any transaction, signed with the endpoint's
  secret (signing.py). A 2xx answer is a delivery, stored with its code and time; anything
  else, or no answer, is a failure. The rows are grouped by endpoint: after a failure the rest
  of that endpoint's queue waits for the next run, so a receiver that is down costs one
  attempt per run, not one per queued event; other endpoints go on.

As with SMTP, a crash between the receiver's 2xx and the mark can deliver one event twice; the
`X-Tracker-Delivery` header (the event id) lets a receiver drop that duplicate.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from flask import current_app

from tracker import delivery
from tracker.delivery import DeliveryFailed, SendResult
from tracker.extensions import db
from tracker.timeutil import utcnow
from tracker.webhooks import signing
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint

DEFAULT_MAX_ATTEMPTS = 20
DEFAULT_TIMEOUT = 5.0
BATCH_SIZE = 100

__all__ = ["DeliveryError", "SendResult", "count_pending", "post", "resend", "send_pending"]


def max_attempts() -> int:
    return int(current_app.config.get("TRACKER_WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def timeout() -> float:
    return float(current_app.config.get("TRACKER_WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT))


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


class HttpChannel(delivery.Channel):
    """Each delivery POSTed to its endpoint; an endpoint that fails waits for the next run."""

    model = WebhookDelivery
    lock = "webhooks"

    def group_column(self) -> Any:
        return WebhookDelivery.endpoint_id

    def max_attempts(self) -> int:
        return max_attempts()

    def describe(self, row: WebhookDelivery) -> str:
        return f"{row.event_id} to endpoint {row.endpoint_id}"

    def send(self, row: WebhookDelivery) -> dict[str, Any]:
        endpoint = db.session.get(WebhookEndpoint, row.endpoint_id)
        started = time.monotonic()
        try:
            if endpoint is None or not endpoint.active:
                raise DeliveryError("endpoint inactive")
            code = post(
                endpoint.url,
                endpoint.secret,
                row.body.encode("utf-8"),
                event=row.event,
                delivery=row.event_id,
                now=utcnow(),
            )
        except DeliveryError as exc:
            raise DeliveryFailed(str(exc), self._answer(exc.code, started)) from None
        return {**self._answer(code, started), "sent_at": utcnow()}

    @staticmethod
    def _answer(code: int | None, started: float) -> dict[str, Any]:
        return {
            "response_code": code,
            "response_ms": int((time.monotonic() - started) * 1000),
            "last_attempt_at": utcnow(),
        }


def send_pending(limit: int = BATCH_SIZE) -> SendResult:
    """Deliver what is due now; the scheduler's minute job and `webhooks send` call this."""
    return delivery.deliver(HttpChannel(), limit)


def count_pending() -> int:
    return delivery.count_pending(WebhookDelivery)


def resend(delivery: WebhookDelivery) -> None:
    """The office puts a delivery back in the queue with a fresh attempt count (caller commits)."""
    from tracker import audit
    from tracker.reminders.models import OutboxStatus

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
