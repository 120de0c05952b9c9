"""Account writes and the login check (with throttling of repeated failures).

Three defences around the password check:

- per account and address: after LOGIN_MAX_FAILURES wrong passwords from one address within
  LOGIN_LOCK_MINUTES the account pauses for that address (not for the office elsewhere);
- per client address: after LOGIN_MAX_FAILURES_PER_ADDRESS refused logins within
  LOGIN_ADDRESS_WINDOW_MINUTES the address is refused until the oldest failure leaves the
  window (one address trying many emails); counted in the `login_failure` table, so every
  gunicorn worker sees the same count;
- an unknown email costs one password-hash check, like a known one, and gets the same message
  as a wrong password, a paused or a deactivated account, so neither the response time nor the
  text tells which emails have an account.
"""

from datetime import datetime, timedelta
from functools import cache
from secrets import token_urlsafe

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth.models import LoginFailure, Role, User
from tracker.extensions import db
from tracker.timeutil import utcnow


class AccountError(ValueError):
    """A user-facing reason (in Vietnamese) why an account change was refused."""


class TooManyFailures(AccountError):
    """The client address made too many failed logins recently: refuse without checking."""


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def find_by_session_token(token: str) -> User | None:
    """Return the active user whose session token is `token` (Flask-Login's user loader).

    A token that was rotated (logout, new password, deactivation) finds nobody, so every
    session or remember-me cookie that carries it is treated as logged out. The agency comes
    in the same statement: every page's header names it, and an officer's pages filter by it
    (one round trip less on each of their requests, issue 17).
    """
    if not token:
        return None
    user = db.session.execute(
        select(User).options(joinedload(User.agency)).where(User.session_token == token)
    ).scalar_one_or_none()
    if user is None or not user.active:
        return None
    return user


@cache
def _dummy_hash(method: str) -> str:
    """A hash of a random password, made with `method`: checked when the email is unknown."""
    return generate_password_hash(token_urlsafe(16), method=method)


def _check_dummy_password(password: str) -> None:
    """Spend the time of one real password check (its result is meaningless)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_dummy_hash(method), password)


def _address_window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"])


def _account_window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _address_is_throttled(address: str, now: datetime) -> bool:
    failures = db.session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.address == address, LoginFailure.at > _address_window_start(now))
    ).scalar_one()
    return failures >= current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def _account_is_paused(user: User, address: str, now: datetime) -> bool:
    """Whether this account had LOGIN_MAX_FAILURES wrong passwords from this address lately.

    Counted per account *and* address: guessing from one address pauses that address for the
    account, while the office, elsewhere, still logs in (5 requests used to lock any named
    account, the admin too, for everyone).
    """
    failures = db.session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(
            LoginFailure.user_id == user.id,
            LoginFailure.address == address,
            LoginFailure.at > _account_window_start(now),
        )
    ).scalar_one()
    return failures >= current_app.config["LOGIN_MAX_FAILURES"]


def _record_failure(address: str, user: User | None, now: datetime) -> None:
    """Count a refused login for `address` (and the account) and drop the expired ones."""
    oldest = min(_address_window_start(now), _account_window_start(now))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= oldest))
    db.session.add(LoginFailure(address=address, at=now, user_id=user.id if user else None))
    db.session.commit()


def authenticate(
    email: str, password: str, address: str | None = None
) -> tuple[User | None, str | None]:
    """Return (user, None) on success or (None, message) — and count failures.

    `address` is the client's address (`request.remote_addr`); None skips the per-address
    throttle. An unknown email, a wrong password, an account paused for this address and a
    deactivated account (even with its right password) all get the same message and cost the
    same password check, so the answer never tells whether an account exists (issue 14).

    :raise TooManyFailures: the address is throttled; nothing was checked or counted.
    """
    generic = _("Thư điện tử hoặc mật khẩu không đúng.")
    now = utcnow()
    address = address[:64] if address else ""
    if address and _address_is_throttled(address, now):
        raise TooManyFailures(_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."))
    user = find_user(email)
    if user is None or _account_is_paused(user, address, now):
        _check_dummy_password(password)  # the same cost as a known email's wrong password
        _record_failure(address, user, now)
        return None, generic
    if not user.check_password(password) or not user.active:
        _record_failure(address, user, now)
        return None, generic
    # a success from this address forgets its failures for this account
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.address == address)
    )
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user, None


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of `user` (logout); the caller commits."""
    user.rotate_session_token()
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """Set a new password (an admin's reset), release a paused account; the caller commits.

    The new password also ends every session of the account (`User.set_password`).
    """
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


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
    deactivated = user.active and fields.get("active") is False
    for key, value in fields.items():
        setattr(user, key, value)
    if password:
        user.set_password(password)  # ends the account's sessions
    if deactivated:
        # the user loader already refuses an inactive account; rotating as well means that
        # reactivating it later does not bring the old cookies back to life
        user.rotate_session_token()
    db.session.flush()
    return user


# -- passwords: self-service change and reset by email --------------------------------------

RESET_SALT = "tracker-password-reset"
#: reset emails one account may receive within RESET_WINDOW (a flood of "forgot" posts
#: must not become a flood of emails)
RESET_MAX_EMAILS = 3
RESET_WINDOW = timedelta(minutes=15)


class _ClockSigner(TimestampSigner):
    """itsdangerous' timestamp signer on the app's clock (`utcnow`, pinned in tests)."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=RESET_SALT, signer=_ClockSigner
    )


def reset_token(user: User) -> str:
    """A signed, expiring token for `user`'s reset link.

    It carries the end of the current password hash: once the password changes (by this link
    or otherwise) every earlier link stops working, so a link is good for one reset.
    """
    return _reset_serializer().dumps({"u": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User | None:
    """The active account a reset link was made for, if it is genuine, unused and not expired."""
    max_age = current_app.config["PASSWORD_RESET_MINUTES"] * 60
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or user.password_hash[-16:] != data.get("h"):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the current password first; the caller commits.

    The new password ends the account's other sessions (`User.set_password`).
    """
    if not user.check_password(current):
        raise AccountError(_("Mật khẩu hiện tại không đúng."))
    if current == new:
        raise AccountError(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
    reset_password(user, new)


def request_password_reset(email: str) -> None:
    """Queue a reset link for an active account's owner, through the outbox; commits.

    The caller says the same thing whether the email has an account or not. The link goes
    only to the account's own address; the outbox page shows such an email's subject, never
    its body (the office must not be able to read another user's link).
    """
    from flask import render_template, url_for

    from tracker.reminders.models import OutboxEmail
    from tracker.timeutil import today

    user = find_user(email)
    if user is None or not user.active:
        return
    now = utcnow()
    recent = db.session.execute(
        select(func.count(OutboxEmail.id)).where(
            OutboxEmail.kind == PASSWORD_RESET_KIND,
            OutboxEmail.dedup_key.like(f"reset:{user.id}:%"),
            OutboxEmail.created_at > now - RESET_WINDOW,
        )
    ).scalar_one()
    if recent >= RESET_MAX_EMAILS:
        return
    base = current_app.config["TRACKER_BASE_URL"].rstrip("/")
    link = base + url_for("auth.reset_password", token=reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    context = {"user": user, "link": link, "minutes": minutes}
    db.session.add(
        OutboxEmail(
            dedup_key=f"reset:{user.id}:{token_urlsafe(12)}",
            kind=PASSWORD_RESET_KIND,
            for_day=today(),
            recipients=[user.email],
            cc=[],
            subject=_("[Theo dõi nhiệm vụ] Đặt lại mật khẩu"),
            body_text=render_template("emails/password_reset.txt", **context),
            body_html=render_template("emails/password_reset.html", **context),
            created_at=now,
        )
    )
    db.session.commit()


#: the outbox kind of a reset email (its body is never shown in the web UI)
PASSWORD_RESET_KIND = "password_reset"
