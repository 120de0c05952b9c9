"""What the signature check found for an attachment, and the roots the office trusts."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.timeutil import utcnow


class AttachmentSignature(db.Model):
    """The stored verdict on a PDF's signatures, written once at upload (and on re-verify).

    A row of its own rather than columns on `attachment`: only PDFs have one, and the pages read
    it instead of running pyHanko again.
    """

    __tablename__ = "attachment_signature"

    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True
    )
    #: a tracker.files.signatures.SignatureState value
    status: Mapped[str] = mapped_column(String(20))
    signer: Mapped[str | None] = mapped_column(String(500))
    organisation: Mapped[str | None] = mapped_column(String(500))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: pyHanko's technical reason, for the office; the pages show a Vietnamese message
    problem: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attachment: Mapped[Attachment] = relationship(
        backref=backref("signature", uselist=False, cascade="all, delete-orphan"),
    )


class TrustedRoot(db.Model):
    """A CA certificate the office trusts (the government CA the province uses, say)."""

    __tablename__ = "trusted_root"
    __audited__ = True
    __audit_exclude__ = ("der",)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(1000))
    issuer: Mapped[str] = mapped_column(String(1000))
    #: SHA-256 of the DER, hex: the same certificate is not added twice
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
