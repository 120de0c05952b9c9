"""Users and their roles."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
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


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __audited__ = True
    __audit_exclude__ = frozenset({"password_hash", "last_login_at", "failed_logins"})

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

    agency: Mapped[Agency | None] = relationship()

    @validates("email")
    def _normalise_email(self, key: str, value: str) -> str:
        return value.strip().lower()

    @validates("full_name")
    def _fold_name(self, key: str, value: str) -> str:
        self.full_name_folded = fold(value)
        return value

    def set_password(self, password: str) -> None:
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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
