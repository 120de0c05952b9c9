"""Account writes and the login check (with throttling of repeated failures)."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.timeutil import utcnow


class AccountError(ValueError):
    """A user-facing reason (in Vietnamese) why an account change was refused."""


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def authenticate(email: str, password: str) -> tuple[User | None, str | None]:
    """Return (user, None) on success or (None, message) — and count failures.

    After LOGIN_MAX_FAILURES wrong passwords the account is paused for
    LOGIN_LOCK_MINUTES, which stops password guessing without locking anyone out for good.
    """
    generic = _("Thư điện tử hoặc mật khẩu không đúng.")
    user = find_user(email)
    if user is None:
        return None, generic
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return None, _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.")
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
        db.session.commit()
        return None, generic
    if not user.active:
        return None, _("Tài khoản đã bị khóa. Liên hệ Văn phòng UBND tỉnh.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user, None


def create_user(
    *,
    email: str,
    full_name: str,
    role: str,
    password: str,
    agency_id: int | None = None,
    active: bool = True,
) -> User:
    """Create an account; the caller commits. Refuses a duplicate email."""
    if find_user(email):
        raise AccountError(_("Đã có tài khoản với thư điện tử %(email)s.", email=email))
    if role not in {r.value for r in Role}:
        raise AccountError(_("Vai trò “%(role)s” không hợp lệ.", role=role))
    user = User(
        email=email,
        full_name=full_name,
        role=role,
        agency_id=agency_id if role == Role.AGENCY_OFFICER else agency_id,
        active=active,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, **fields) -> User:
    """Change an account; the caller commits. An email already used elsewhere is refused."""
    email = fields.get("email")
    if email:
        other = find_user(email)
        if other is not None and other.id != user.id:
            raise AccountError(_("Đã có tài khoản với thư điện tử %(email)s.", email=email))
    password = fields.pop("password", None)
    for key, value in fields.items():
        setattr(user, key, value)
    if password:
        user.set_password(password)
    db.session.flush()
    return user
