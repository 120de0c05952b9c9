"""Login, logout and the administration of user accounts."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from tracker.auth import services
from tracker.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordResetForm,
    SessionLimitsForm,
    UserForm,
)
from tracker.auth.models import Role, User
from tracker.auth.permissions import admin_required
from tracker.auth.sessions import save_session_limits, session_limits, start_session_clock
from tracker.extensions import db, login_manager
from tracker.forms import agency_choices
from tracker.search import matches
from tracker.timeutil import utcnow
from tracker.web import commit_or_roll_back

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Find the user of a session or remember-me cookie by its session token (not the id)."""
    return services.find_by_session_token(session_token)


def _keep_own_session(user: User) -> None:
    """After rotating the token of the logged-in user, carry this session over to the new one.

    An admin who changes their own password ends their other sessions, not the one in use.
    """
    if user.id == current_user.id and session.get("_user_id") != user.get_id():
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        login_user(user, remember=remembered in request.cookies)


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user, message = services.authenticate(
                form.email.data, form.password.data, address=request.remote_addr
            )
        except services.TooManyFailures as error:
            flash(str(error), "danger")
            minutes = current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"]
            headers = {"Retry-After": str(minutes * 60)}
            return render_template("auth/login.html", form=form), 429, headers
        if user is None:
            flash(message, "danger")
        else:
            lang = session.get("lang")
            session.clear()  # a new session at login: no fixation
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            start_session_clock(utcnow())
            flash(_("Xin chào %(name)s.", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # a new token ends this session everywhere: a copied session or remember-me cookie
    # (and the account's sessions on other devices) stop working too
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/users")
@admin_required
def users():
    query = request.args.get("q", "").strip()
    stmt = select(User).order_by(User.full_name)
    if query:
        stmt = stmt.where(matches(query, User.full_name_folded, User.email))
    page = db.paginate(stmt, per_page=25, error_out=False)
    return render_template("auth/users.html", page=page, query=query)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.agency_id.choices = agency_choices()
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Vui lòng đặt mật khẩu cho tài khoản mới."))
        else:
            response = commit_or_roll_back(
                lambda: services.create_user(
                    email=form.email.data,
                    full_name=form.full_name.data,
                    role=form.role.data,
                    password=form.password.data,
                    agency_id=form.agency_id.data,
                    active=form.active.data,
                ),
                errors=services.AccountError,
                form=form,
                field="email",
                done=lambda user: _("Đã tạo tài khoản %(email)s.", email=user.email),
                to=url_for("auth.users"),
            )
            if response:
                return response
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if request.method == "GET":
        form.password.data = ""
    if form.validate_on_submit():
        if user.id == current_user.id and (
            form.role.data != Role.OFFICE_ADMIN or not form.active.data
        ):
            form.role.errors.append(_("Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản."))
        else:
            response = commit_or_roll_back(
                lambda: services.update_user(
                    user,
                    email=form.email.data,
                    full_name=form.full_name.data,
                    role=form.role.data,
                    agency_id=form.agency_id.data,
                    active=form.active.data,
                    password=form.password.data or None,
                ),
                errors=services.AccountError,
                form=form,
                field="email",
                after_commit=lambda _result: _keep_own_session(user),
                done=_("Đã lưu tài khoản."),
                to=url_for("auth.users"),
            )
            if response:
                return response
    return render_template("auth/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def user_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = PasswordResetForm()
    form.account_email = user.email
    if form.validate_on_submit():
        return commit_or_roll_back(
            lambda: services.reset_password(user, form.password.data),
            errors=(),
            after_commit=lambda _result: _keep_own_session(user),
            done=lambda _result: _("Đã đặt lại mật khẩu cho %(email)s.", email=user.email),
            to=url_for("auth.users"),
        )
    return render_template("auth/password.html", form=form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Everyone's own account: change the password (the current one first)."""
    user = current_user._get_current_object()  # the User itself, for login_user below
    form = ChangePasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        response = commit_or_roll_back(
            lambda: services.change_password(user, form.current.data, form.password.data),
            errors=services.AccountError,
            form=form,
            field="current",
            # the other devices are logged out, this one stays
            after_commit=lambda _result: _keep_own_session(user),
            done=_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."),
            to=url_for("auth.account"),
        )
        if response:
            return response
    return render_template("auth/account.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by email; the answer is the same whether the account exists."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _(
                "Nếu địa chỉ này có tài khoản đang hoạt động, một thư hướng dẫn đặt lại mật khẩu "
                "đã được gửi đến. Liên kết trong thư có hiệu lực %(minutes)s phút.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from an emailed link (signed, expiring, good for one reset)."""
    user = services.user_for_reset_token(token)
    if user is None:
        flash(
            _("Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn. Vui lòng yêu cầu lại."),
            "warning",
        )
        return redirect(url_for("auth.forgot_password"))
    form = PasswordResetForm()
    form.account_email = user.email
    if form.validate_on_submit():

        def end_this_session(_result) -> None:
            if current_user.is_authenticated:
                logout_user()
            session.clear()

        return commit_or_roll_back(
            lambda: services.reset_password(user, form.password.data),
            errors=(),
            after_commit=end_this_session,
            done=_("Đã đặt mật khẩu mới. Vui lòng đăng nhập."),
            to=url_for("auth.login"),
        )
    return render_template("auth/reset.html", form=form, user=user)


@bp.route("/settings/sessions", methods=["GET", "POST"])
@admin_required
def session_settings():
    """How long a login lasts without activity, and at most (office setting)."""
    form = SessionLimitsForm()
    if request.method == "GET":
        limits = session_limits()
        form.idle_minutes.data = limits.idle_minutes
        form.absolute_hours.data = limits.absolute_hours
    if form.validate_on_submit():
        return commit_or_roll_back(
            lambda: save_session_limits(form.idle_minutes.data, form.absolute_hours.data),
            errors=(),
            done=_("Đã lưu thời hạn phiên đăng nhập."),
            to=url_for("auth.session_settings"),
        )
    return render_template("auth/session_settings.html", form=form)
