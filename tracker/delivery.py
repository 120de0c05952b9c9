"""Delivering a queue of side effects, once: claim → send → mark (the outbox's emails, webhooks).

Both queues are tables of rows with `status`, `attempts`, `claimed_at`, `next_attempt_at`,
`last_error` and `sent_at`; a `Channel` says how to send one row (SMTP, an HTTP POST) and this
module runs the loop both share, so the guarantees below are written, and fixed, once:

* **Claim**: a conditional UPDATE (`status = pending and back-off passed`, or a `sending` claim
  older than `STALE_AFTER`) that sets `sending`, counts the attempt and commits; only a rowcount
  of 1 lets this sender go on (SimpleLogin's `take_job`). Two senders never both claim a row. A
  database too busy to take the claim ends the run: nothing was sent, the next run tries again.
* **Send**: through the channel, outside any transaction.
* **Mark**: `sent` with `sent_at` (and what the channel reports, e.g. a response code),
  committed; if the database refuses the commit (SQLite busy past its timeout, a connection
  lost) the mark alone is retried (`mark_sent`) for well under `STALE_AFTER`, never the send:
  a locked database can delay the mark, not make the row go twice (issue 14: an 8 s lock once
  delivered a digest twice). A failed send puts the row back to `pending` with `last_error`
  and an exponential back-off, or to `failed` after the channel's `max_attempts()`; the rest of
  that channel's group (the SMTP server, one webhook endpoint) then waits for the next run, so
  a receiver that is down costs one attempt per run, not one per queued row.

A crash between the receiver's acceptance and the mark can deliver one row twice (the claim
goes stale and is retried); nothing can make SMTP or HTTP exactly-once, this keeps it at most
one duplicate in that single case, which the receiver can drop by the row's key header.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, update
from sqlalchemy.exc import OperationalError

from tracker.extensions import db
from tracker.reminders.models import OutboxStatus
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)

#: a claim older than this is considered abandoned (the sender died mid-send)
STALE_AFTER = timedelta(minutes=15)
#: back-off after the n-th failure: 1, 2, 4, … minutes, at most 6 hours, so a two-day outage
#: costs about a dozen attempts, not the 2,880 of a per-minute retry
MAX_BACKOFF = timedelta(hours=6)
#: how long `mark_sent` keeps retrying the "sent" record: a third of STALE_AFTER, so the row is
#: marked long before another run could take it over
MARK_RETRY_FOR = STALE_AFTER / 3


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


class DeliveryFailed(Exception):
    """The channel could not deliver a row; `values` are stored with the error (a code…)."""

    def __init__(self, message: str, values: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.values = values or {}


@dataclass
class SendResult:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    not_configured: bool = False
    locked_out: bool = False
    pending: int = 0


class Channel:
    """How one queue is delivered; subclasses set `model` and `lock` and define `send`."""

    #: the queue's table (OutboxEmail, WebhookDelivery)
    model: Any
    #: the scheduler's leader lock this channel's runs take (one sender at a time)
    lock: str

    def group_column(self) -> Any:
        """The column whose value groups rows behind one receiver (None: one for all)."""
        return None

    def max_attempts(self) -> int:
        raise NotImplementedError

    def describe(self, row: Any) -> str:
        """The row as the log names it."""
        return str(row.id)

    def send(self, row: Any) -> dict[str, Any]:
        """Deliver `row`; return what the "sent" mark records beside the status, or raise
        DeliveryFailed (or any exception: it is stored as the row's error)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the sends opened (an SMTP connection); called once per run."""


def claimable(model: Any, now: datetime):
    return or_(
        and_(
            model.status == OutboxStatus.PENDING.value,
            or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
        ),
        and_(model.status == OutboxStatus.SENDING.value, model.claimed_at < now - STALE_AFTER),
    )


def claim(model: Any, row_id: int, now: datetime) -> bool:
    """Take one row for sending; True only for the one sender whose UPDATE changed it."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, claimable(model, now))
        .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=model.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(channel: Channel, limit: int) -> SendResult:
    """One run over what is due now (the scheduler's minute job, the CLI). Commits."""
    from tracker.reminders.services import leader_lock

    result = SendResult()
    model = channel.model
    with leader_lock(channel.lock) as leader:
        if not leader:
            result.locked_out = True
            return result
        now = utcnow()
        column = channel.group_column()
        group = column if column is not None else literal(None)
        rows = db.session.execute(
            select(model.id, group).where(claimable(model, now)).order_by(model.id).limit(limit)
        ).all()
        db.session.commit()
        waiting: set[Hashable] = set()  # groups whose receiver failed in this run
        try:
            for row_id, key in rows:
                if key in waiting:
                    continue
                try:
                    claimed = claim(model, row_id, now)
                except OperationalError:  # the database is busy: nothing sent, try next run
                    db.session.rollback()
                    log.warning("%s %s not claimed: the database is busy", channel.lock, row_id)
                    break
                if not claimed:
                    continue  # another sender has it
                row = db.session.get(model, row_id, populate_existing=True)
                try:
                    values = channel.send(row)
                except Exception as exc:  # SMTP, HTTP and socket errors alike: retry later
                    _mark_failure(channel, row, exc, now)
                    result.failed += row.status == OutboxStatus.FAILED.value
                    result.retry_later += row.status == OutboxStatus.PENDING.value
                    log.warning("%s %s not sent: %s", channel.lock, channel.describe(row), exc)
                    waiting.add(key)  # the receiver is likely down: the rest of it waits
                    continue
                mark_sent(model, row_id, values)
                result.sent += 1
        finally:
            channel.close()
    result.pending = count_pending(model)
    return result


def mark_sent(
    model: Any,
    row_id: int,
    values: dict[str, Any] | None = None,
    give_up_after: timedelta = MARK_RETRY_FOR,
) -> None:
    """Record that the receiver accepted a row, retrying the record, never the send.

    If this commit fails (SQLite busy past its timeout, a dropped PostgreSQL connection) and
    the error went up, the claim would go stale and the next run would send the row again. So
    the mark alone is retried, for well under `STALE_AFTER`, which leaves no window in which
    another run may claim the row.
    """
    deadline = time.monotonic() + give_up_after.total_seconds()
    pause = 0.2
    while True:
        try:
            db.session.execute(
                update(model)
                .where(model.id == row_id)
                .values(
                    {
                        "status": OutboxStatus.SENT.value,
                        "sent_at": utcnow(),
                        "last_error": None,
                        "next_attempt_at": None,
                        **(values or {}),
                    }
                )
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if time.monotonic() > deadline:
                log.error("%s %s was sent but could not be marked sent", model.__name__, row_id)
                raise
            log.warning("%s %s sent; the database is busy, marking it again", model, row_id)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _mark_failure(channel: Channel, row: Any, exc: Exception, now: datetime) -> None:
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, DeliveryFailed):
        row.last_error = str(exc)[:2000]
        for name, value in exc.values.items():
            setattr(row, name, value)
    if row.attempts >= channel.max_attempts():
        row.status = OutboxStatus.FAILED.value
        row.next_attempt_at = None
    else:
        row.status = OutboxStatus.PENDING.value
        row.next_attempt_at = now + backoff(row.attempts)
    db.session.commit()


def count_pending(model: Any) -> int:
    return db.session.execute(
        select(func.count(model.id)).where(
            model.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value))
        )
    ).scalar_one()
