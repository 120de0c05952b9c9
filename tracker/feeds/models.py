"""The secret address of an agency's calendar feed."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow


class CalendarFeed(db.Model):
    """One live address per agency; only the token's SHA-256 is stored.

    A calendar application cannot log in, so the address itself is the credential: a copy of
    the database must not give it away, and issuing a new one (replacing the hash) revokes the
    old address at once.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserCalendarFeed(db.Model):
    """One live address per user (Tài khoản → Lịch của tôi), stored hashed like an agency's.

    What it lists follows the user's role (see tracker.feeds.services.user_obligations); a
    deactivated account's address answers 404.
    """

    __tablename__ = "user_calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
