"""An incoming document: the file, its metadata from the document system, and its fate."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow


class IncomingState(enum.StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"
    DISCARDED = "discarded"


class IncomingSource(enum.StrEnum):
    API = "api"
    FOLDER = "folder"


class IncomingDocument(db.Model):
    """One document received from the document system, until the office saves or discards it.

    The text is read once, on arrival (with the readers' limits), so a file the readers refuse
    never waits in the inbox, and the review does not read the file again. The file itself waits
    under UPLOAD_DIR with an `inbox-` name and becomes the directive's attachment on save.
    """

    __tablename__ = "incoming_document"
    __audited__ = True
    __audit_exclude__ = frozenset({"text"})
    __table_args__ = (
        Index("ix_incoming_document_number_year", "number", "year"),
        Index("ix_incoming_document_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: số/ký hiệu, as the document system sent it (or as read from the text's header)
    number: Mapped[str] = mapped_column(String(100), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date | None] = mapped_column(Date)
    #: trích yếu
    title: Mapped[str] = mapped_column(Text, default="")
    #: cơ quan ban hành
    issuer: Mapped[str] = mapped_column(String(255), default="")
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    #: SHA-256 of the file: the same file dropped in the folder again is not imported twice
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    #: an IncomingSource value
    source: Mapped[str] = mapped_column(String(20), default=IncomingSource.API.value)
    #: an IncomingState value
    state: Mapped[str] = mapped_column(String(20), default=IncomingState.PENDING.value)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    directive_id: Mapped[int | None] = mapped_column(
        ForeignKey("directive.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why the office discarded it (optional)
    note: Mapped[str] = mapped_column(Text, default="")

    directive = relationship("Directive", foreign_keys=[directive_id])

    @property
    def is_pending(self) -> bool:
        return self.state == IncomingState.PENDING.value
