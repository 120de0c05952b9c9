"""Delivering the outbox: claim → send → mark.

* **Claim**: a conditional UPDATE (`status = pending and back-off passed`, or a `sending` claim
  older than `STALE_AFTER`) that sets `sending`, counts the attempt and commits; only a rowcount
  of 1 lets this sender go on (SimpleLogin's `take_job`). Two senders never both claim a row.
* **Send**: through Flask-Mail, outside any transaction.
* **Mark**: `sent` with `sent_at`, committed; if the database refuses the commit (busy,
  connection lost) the mark alone is retried (`mark_sent`), never the send. An SMTP error puts the row back to `pending` with
  `last_error` and a back-off, or to `failed` after `TRACKER_OUTBOX_MAX_ATTEMPTS`; the batch then
  stops, so a server that is down does not burn the attempts of every other email.

A crash between the SMTP server's acceptance and the mark can deliver one email twice (the
claim goes stale and is retried); nothing can make SMTP exactly-once, this keeps it at most one
duplicate in that single case. With no MAIL_SERVER configured nothing is claimed: emails stay
pending and readable in the web UI.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText

from flask import current_app
from flask_mail import Message
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import OperationalError

from tracker import audit
from tracker.extensions import db, mail
from tracker.reminders.models import OutboxEmail, OutboxStatus
from tracker.reminders.services import leader_lock
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)

#: a claim older than this is considered abandoned (the sender died mid-send)
STALE_AFTER = timedelta(minutes=15)
DEFAULT_MAX_ATTEMPTS = 20
#: back-off after the n-th failure: 1, 2, 4, … minutes, at most 6 hours, so a two-day outage
#: costs about a dozen attempts, not the 2,880 of a per-minute retry
MAX_BACKOFF = timedelta(hours=6)
BATCH_SIZE = 100
#: how long `mark_sent` keeps retrying the "sent" record: a third of STALE_AFTER, so the row is
#: marked long before another run could take it over
MARK_RETRY_FOR = STALE_AFTER / 3


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def max_attempts() -> int:
    return int(current_app.config.get("TRACKER_OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _claimable(now: datetime):
    return or_(
        and_(
            OutboxEmail.status == OutboxStatus.PENDING.value,
            or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now),
        ),
        and_(
            OutboxEmail.status == OutboxStatus.SENDING.value,
            OutboxEmail.claimed_at < now - STALE_AFTER,
        ),
    )


@dataclass
class SendResult:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    not_configured: bool = False
    locked_out: bool = False
    pending: int = 0


def claim(email_id: int, now: datetime) -> bool:
    """Take one email for sending; True only for the one sender whose UPDATE changed the row."""
    result = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, _claimable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_at=now,
            attempts=OutboxEmail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


class OutboxMessage(Message):
    """A Flask-Mail message whose text parts are quoted-printable.

    Flask-Mail sends UTF-8 bodies as raw 8bit, so a line longer than SMTP's 998-octet limit
    (RFC 5321 §4.5.3.1.6) — a long task, a one-line HTML list of overdue tasks — makes the server
    refuse the whole email, on every retry. Quoted-printable wraps lines at 76 characters and
    keeps the message 7-bit clean; every mail reader decodes it.
    """

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        charset = Charset(self.charset or "utf-8")
        charset.body_encoding = QP
        return MIMEText(text or "", _subtype=subtype, _charset=charset)

    def _message(self):
        """Encode the subject whole, as RFC 2047 words that carry their own spaces.

        Flask-Mail hands the subject to the email package as a pre-encoded string, which the
        generator folds again: where a fold falls between two encoded words the space between
        them is lost ("nhiệm vụ" arrives as "nhiệmvụ"), since readers drop whitespace between
        encoded words (RFC 2047 §6.2). Encoded here whole, each word carries its spaces.
        """
        msg = super()._message()
        if self.subject and not self.subject.isascii():
            folded = Header(self.subject, "utf-8", header_name="Subject").encode(maxlinelen=76)
            del msg["Subject"]
            msg.set_raw("Subject", folded)  # short lines: the SMTP policy writes them unchanged
        return msg


def build_message(email: OutboxEmail) -> Message:
    return OutboxMessage(
        subject=email.subject,
        recipients=list(email.recipients),
        cc=list(email.cc or []),
        body=email.body_text,
        html=email.body_html,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER"),
        extra_headers={"X-Tracker-Outbox": email.dedup_key},
    )


def send_pending(limit: int = BATCH_SIZE) -> SendResult:
    """Deliver what is due now; the minute job and `outbox send` call this. Commits."""
    result = SendResult()
    if not mail_configured():
        result.not_configured = True
        result.pending = _count_pending()
        return result
    with leader_lock("send") as leader:
        if not leader:
            result.locked_out = True
            return result
        now = utcnow()
        ids = list(
            db.session.execute(
                select(OutboxEmail.id).where(_claimable(now)).order_by(OutboxEmail.id).limit(limit)
            ).scalars()
        )
        db.session.commit()
        connection = None
        try:
            for email_id in ids:
                try:
                    claimed = claim(email_id, now)
                except OperationalError:  # the database is busy: nothing sent, try next run
                    db.session.rollback()
                    log.warning("outbox %s not claimed: the database is busy", email_id)
                    break
                if not claimed:
                    continue  # another sender has it
                email = db.session.get(OutboxEmail, email_id, populate_existing=True)
                try:
                    if connection is None:
                        connection = mail.connect().__enter__()
                    connection.send(build_message(email))
                except Exception as exc:  # SMTP and socket errors alike: retry later
                    _mark_failure(email, exc, now)
                    result.failed += email.status == OutboxStatus.FAILED.value
                    result.retry_later += email.status == OutboxStatus.PENDING.value
                    log.warning("outbox %s not sent: %s", email.dedup_key, exc)
                    break  # the server is likely down: leave the rest unclaimed
                mark_sent(email_id)
                result.sent += 1
        finally:
            if connection is not None:
                try:
                    connection.__exit__(None, None, None)
                except Exception:  # the server hung up: the emails are already marked
                    log.debug("closing the SMTP connection failed", exc_info=True)
    result.pending = _count_pending()
    return result


def mark_sent(email_id: int, give_up_after: timedelta = MARK_RETRY_FOR) -> None:
    """Record that the SMTP server accepted an email, retrying the record, never the send.

    If this commit fails (SQLite busy past its timeout, a dropped PostgreSQL connection) and
    the error went up, the claim would go stale and the next run would send the email again:
    an 8 s lock once delivered a digest twice. So the mark alone is retried, for well under
    `STALE_AFTER`, which leaves no window in which another run may claim the row.
    """
    deadline = time.monotonic() + give_up_after.total_seconds()
    pause = 0.2
    while True:
        try:
            db.session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == email_id)
                .values(
                    status=OutboxStatus.SENT.value,
                    sent_at=utcnow(),
                    last_error=None,
                    next_attempt_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if time.monotonic() > deadline:
                log.error("outbox %s was sent but could not be marked sent", email_id)
                raise
            log.warning("outbox %s sent; the database is busy, marking it again", email_id)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _mark_failure(email: OutboxEmail, exc: Exception, now: datetime) -> None:
    email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if email.attempts >= max_attempts():
        email.status = OutboxStatus.FAILED.value
        email.next_attempt_at = None
    else:
        email.status = OutboxStatus.PENDING.value
        email.next_attempt_at = now + backoff(email.attempts)
    db.session.commit()


def _count_pending() -> int:
    from sqlalchemy import func

    return db.session.execute(
        select(func.count(OutboxEmail.id)).where(
            OutboxEmail.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value))
        )
    ).scalar_one()


def resend(email: OutboxEmail) -> None:
    """Put an email back in the queue now, with a fresh attempt count (the caller commits).

    The office asks for it: the journal records who did (the scheduler's own status changes
    are not journalled, the outbox is their record)."""
    audit.record(
        db.session(),
        action="update",
        entity="outbox_email",
        entity_id=email.id,
        changes={"status": [email.status, OutboxStatus.PENDING.value]},
    )
    email.status = OutboxStatus.PENDING.value
    email.attempts = 0
    email.next_attempt_at = None
    email.claimed_at = None
    email.last_error = None
