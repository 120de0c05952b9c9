"""Users, their roles, and the failed logins counted per client address."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.agencies.models import Agency
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.text import fold
from tracker.timeutil import utcnow


class Role(enum.StrEnum):
    OFFICE_ADMIN = "office_admin"  #: Văn phòng UBND tỉnh, quản trị
    OFFICE_STAFF = "office_staff"  #: Văn phòng UBND tỉnh, chuyên viên theo dõi
    AGENCY_OFFICER = "agency_officer"  #: cán bộ đầu mối của một cơ quan, đơn vị
    LEADER = "leader"  #: lãnh đạo, chỉ xem

    @property
    def label(self) -> str:
        return {
            "office_admin": "Quản trị (Văn phòng UBND tỉnh)",
            "office_staff": "Chuyên viên Văn phòng UBND tỉnh",
            "agency_officer": "Cán bộ cơ quan, đơn vị",
            "leader": "Lãnh đạo (chỉ xem)",
        }[self.value]


OFFICE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF})


def new_session_token() -> str:
    """Return a fresh random session token (43 url-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __audited__ = True
    #: the session token is a credential: it must never be copied into the audit log
    __audit_exclude__ = frozenset(
        {"password_hash", "session_token", "last_login_at", "failed_logins"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    full_name_folded: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what the session and remember-me cookies carry instead of the id (Flask-Login's
    #: "alternative id"): replacing it ends every session of the account at once
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, index=True, default=new_session_token
    )

    agency: Mapped[Agency | None] = relationship()

    @validates("email")
    def _normalise_email(self, key: str, value: str) -> str:
        return value.strip().lower()

    @validates("full_name")
    def _fold_name(self, key: str, value: str) -> str:
        self.full_name_folded = fold(value)
        return value

    def set_password(self, password: str) -> None:
        """Store a hash of `password` and end every session opened with the old one.

        Whoever changes a password (the user or an admin) usually does so because the old
        one may be known: a session or remember-me cookie obtained with it must stop working.
        """
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Invalidate every session and remember-me cookie of this account (the caller commits)."""
        self.session_token = new_session_token()

    def get_id(self) -> str:
        """Give Flask-Login the session token, not the id, so that sessions can be revoked."""
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated user cannot log in
        return self.active

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.OFFICE_ADMIN

    @property
    def is_agency(self) -> bool:
        return self.role == Role.AGENCY_OFFICER

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class LoginFailure(db.Model):
    """One refused login from a client address.

    The per-address throttle counts these rows: it lives in the database so that every
    gunicorn worker sees the same count. Rows older than the window are deleted as new ones
    come in, so the table stays small.
    """

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: `request.remote_addr` (the client's, through ProxyFix when behind a proxy)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the account whose password was wrong (None: an unknown email); an account pauses per
    #: address, so nobody can lock the office out from outside (issue 14)
    user_id: Mapped[int | None] = mapped_column(Integer)


Index("ix_login_failure_address_at", LoginFailure.address, LoginFailure.at)
Index("ix_login_failure_at", LoginFailure.at)
Index(
    "ix_login_failure_user_id_address_at",
    LoginFailure.user_id,
    LoginFailure.address,
    LoginFailure.at,
)
