"""Delivering the outbox's emails through SMTP: the `tracker.delivery` loop with an SMTP channel.

The loop (claim → send → mark, the "sent" mark retried and never the send, back-off, the
rest of the batch waiting after a failure: the server is likely down) is `tracker.delivery`,
shared with the webhooks. Here: what an email is on the wire (quoted-printable, its subject
encoded whole) and the SMTP connection, opened at the first email of a run and closed after
the last. With no MAIL_SERVER configured nothing is claimed: emails stay pending and readable
in the web UI.
"""

from __future__ import annotations

import logging
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from typing import Any

from flask import current_app
from flask_mail import Message

from tracker import audit, delivery
from tracker.delivery import (  # noqa: F401 (the outbox's names, kept for its callers)
    MARK_RETRY_FOR,
    MAX_BACKOFF,
    STALE_AFTER,
    SendResult,
    backoff,
)
from tracker.extensions import db, mail
from tracker.reminders.models import OutboxEmail, OutboxStatus

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 20
BATCH_SIZE = 100


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def max_attempts() -> int:
    return int(current_app.config.get("TRACKER_OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


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


class SmtpChannel(delivery.Channel):
    """The outbox's emails through Flask-Mail: one SMTP connection per run, opened when the
    first email is claimed; one server for all, so a failure leaves the rest for next run."""

    model = OutboxEmail
    lock = "send"

    def __init__(self) -> None:
        self.connection: Any = None

    def max_attempts(self) -> int:
        return max_attempts()

    def describe(self, row: OutboxEmail) -> str:
        return row.dedup_key

    def send(self, row: OutboxEmail) -> dict[str, Any]:
        if self.connection is None:
            self.connection = mail.connect().__enter__()
        self.connection.send(build_message(row))
        return {}

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.__exit__(None, None, None)
            except Exception:  # the server hung up: the emails are already marked
                log.debug("closing the SMTP connection failed", exc_info=True)


def send_pending(limit: int = BATCH_SIZE) -> SendResult:
    """Deliver what is due now; the minute job and `outbox send` call this. Commits."""
    if not mail_configured():
        return SendResult(not_configured=True, pending=delivery.count_pending(OutboxEmail))
    return delivery.deliver(SmtpChannel(), limit)


def claim(email_id: int, now) -> bool:
    """Take one email for sending (see `tracker.delivery.claim`)."""
    return delivery.claim(OutboxEmail, email_id, now)


def mark_sent(email_id: int, give_up_after=MARK_RETRY_FOR) -> None:
    """Record that the SMTP server accepted an email, retrying the record, never the send."""
    delivery.mark_sent(OutboxEmail, email_id, give_up_after=give_up_after)


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
