"""Personal API tokens: what `Authorization: Bearer <token>` names."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow


class ApiToken(db.Model):
    """A token acting as its user; only its SHA-256 is stored, so a database copy leaks none.

    `prefix` (the first characters of the token) is kept in clear so that the owner can tell
    tokens apart in the list and in logs without the secret.
    """

    __tablename__ = "api_token"
    #: creating and revoking a token are security events; the hash is a credential and the
    #: last use changes all day, so neither goes into the audit log
    __audited__ = True
    __audit_exclude__ = frozenset({"token_hash", "last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: last day the token works (local date), or none
    expires_on: Mapped[date | None] = mapped_column(Date)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
