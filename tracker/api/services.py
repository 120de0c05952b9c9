"""Personal API tokens: create, authenticate, revoke (the caller commits)."""

import hashlib
import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.api.models import ApiToken
from tracker.auth.models import User
from tracker.extensions import db
from tracker.timeutil import today, utcnow

#: every token starts with this, so a leaked one is recognisable by secret scanners
TOKEN_PREFIX = "trk_"
#: how many characters of the token are stored in clear to tell tokens apart
VISIBLE = 12
#: writing last use at most this often keeps a busy token from writing on every request
LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def hash_token(token: str) -> str:
    """SHA-256 is enough: the token is 256 random bits, no dictionary can guess it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    user: User, *, name: str = "", expires_on: date | None = None
) -> tuple[ApiToken, str]:
    """Return the new token row and the token itself, which is shown once and never stored."""
    if not user.active:
        raise TokenError("email", _("Tài khoản đã bị khóa."))
    if expires_on is not None and expires_on < today():
        raise TokenError("expires_on", _("Ngày hết hạn không được trước hôm nay."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=(name or "").strip()[:100],
        prefix=secret[:VISIBLE],
        token_hash=hash_token(secret),
        expires_on=expires_on,
    )
    db.session.add(row)
    db.session.flush()
    return row, secret


def authenticate(secret: str) -> ApiToken | None:
    """The live token named by `secret` (and record its use), or None: wrong, expired, revoked,
    or its user deactivated."""
    if not secret:
        return None
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_on is not None and row.expires_on < today():
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
        row.last_used_at = now
        db.session.commit()
    return row


def user_tokens(user_id: int) -> list[ApiToken]:
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(row: ApiToken) -> ApiToken:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
    return row
