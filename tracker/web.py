"""Template helpers, security headers and the small things every page shares, among them
`commit_or_roll_back`: how a view calls a service and saves all or nothing."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response
from wtforms import Form

from tracker.deadlines.status import Status
from tracker.directives.forms import CADENCE_CHOICES
from tracker.directives.services import known_issuers
from tracker.extensions import db
from tracker.i18n import (
    format_date,
    format_datetime,
    format_decimal,
    install_template_gettext,
    period_label,
)

_CADENCES = dict(CADENCE_CHOICES)
ENTITY_LABELS = {
    "task": _l("nhiệm vụ"),
    "reporting_period": _l("kỳ báo cáo"),
    "extension_request": _l("đề nghị gia hạn"),
    "attachment": _l("tệp đính kèm"),
    "progress_update": _l("báo cáo tiến độ"),
    "agency": _l("cơ quan, đơn vị"),
    "task_comment": _l("ý kiến chỉ đạo, trao đổi"),
    "reminder_letter": _l("công văn đôn đốc"),
    "reminder_letter_item": _l("nhiệm vụ trong công văn đôn đốc"),
    "task_target": _l("chỉ tiêu"),
    "task_checklist_item": _l("việc cần làm"),
    "task_criterion": _l("tiêu chí chỉ số của nhiệm vụ"),
    "completion_claim": _l("báo cáo hoàn thành chờ xác nhận"),
    "task_subassignment": _l("giao xử lý trong đơn vị"),
}


def cadence_label(code: str | None) -> str:
    """The Vietnamese name of a reporting cadence."""
    return _CADENCES.get(code or "none", code or "")


#: Vietnamese words for a province-level unit → how English names it (after the name)
_UNITS_EN = (("tỉnh ", "Province"), ("thành phố ", "City"))


def province_name(configured: str) -> str:
    """The province as the interface language writes it: "tỉnh Hòa Bình" in Vietnamese,
    "Hòa Bình Province" in English (not "People's Committee tỉnh Hòa Bình")."""
    if str(get_locale() or "vi") != "en":
        return configured
    for prefix, unit in _UNITS_EN:
        if configured.lower().startswith(prefix):
            return f"{configured[len(prefix) :]} {unit}"
    return configured


def url_with(**changes: Any) -> str:
    """Return the current URL with some query arguments changed (for sort and pages)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def _route_of_request() -> tuple[str, dict[str, Any]] | None:
    """The endpoint and arguments of the current request, also when its method was refused
    (a 405 leaves `request.url_rule` empty): whatever method the path answers to."""
    if request.url_rule is not None:
        return request.url_rule.endpoint, dict(request.view_args or {})
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        try:
            endpoint, args = adapter.match(method=method)
        except HTTPException:
            continue
        return endpoint, args
    return None


def page_url(**query: Any) -> str:
    r"""A GET page for the current request, built from its route, never from the raw path.

    The language links and the 405 page's way back use it. On a GET page: the same URL (its
    query kept). After a form POST, or on a POST-only address: the route's own GET page, or
    the nearest page above it (/tasks/5/progress → /tasks/5, /agencies/import/confirm →
    /agencies/import). A path that matches no route (404) leads home — `/%5Cevil.example/x`
    must never become a link to `/\evil.example/…`, which browsers read as another site
    (issue 14).
    """
    try:
        route = _route_of_request()
        if route is None:
            return url_for("main.index", **query)
        endpoint, args = route
        if request.method == "GET" and request.url_rule is not None:
            kept = request.args.to_dict(flat=False)
            kept.update({k: [str(v)] for k, v in query.items()})
            return url_for(endpoint, **args, **kept)
        adapter = current_app.url_map.bind("localhost")
        path = url_for(endpoint, **args).rstrip("/")
        while path:
            for candidate in (path, path + "/"):
                try:
                    endpoint, args = adapter.match(candidate, method="GET")
                except HTTPException:
                    continue
                return url_for(endpoint, **args, **query)
            path = path.rpartition("/")[0]
    except (HTTPException, BuildError):  # never let an error page fail on its own links
        pass
    return url_for("main.index", **query)


T = TypeVar("T")


def _of(value: str | Callable[[T], Any], result: T) -> Any:
    return value(result) if callable(value) else value


def commit_or_roll_back(
    action: Callable[[], T],
    *,
    done: str | Callable[[T], str | None] | None,
    to: str | Callable[[T], str],
    form: Form | None = None,
    field: str | None = None,
    errors: type[Exception] | tuple[type[Exception], ...] = ValueError,
    failed_to: str | None = None,
    after_commit: Callable[[T], object] | None = None,
) -> Response | None:
    """The one way a view saves: call the service, then keep all of its writes or none.

    Services write and raise a user-facing error (Vietnamese, often naming its form field in
    `error.field`); the request commits. So every view did the same five steps by hand:

    - `action()` raised one of `errors`: roll the request's writes back. With a `form`, the
      message goes on the field the error names (else on `field`) and the view gets None: it
      re-renders the form with what was typed (and its own status, often 422). Without a
      form (a button on a page), the message is flashed as "danger" and the answer is a
      redirect to `failed_to` (else `to`).
    - otherwise: commit, run `after_commit(result)` (what must follow the commit: keeping
      the admin's own session after a password change), flash `done` as "success" (nothing
      when it is, or gives, None or "") and redirect to `to`.

    `done` and `to` may be functions of the action's result (the new row's id or name).
    Without a form, `to` must be an address (or `failed_to` given): there is no result to
    build it from. An exception not in `errors` is not caught: the request's teardown rolls
    back; an error naming no field of `form` (and no `field` given) is raised again.
    """
    try:
        result = action()
    except errors as error:
        db.session.rollback()
        if form is None:
            if failed_to is None and callable(to):
                raise TypeError(
                    "without a form, give `failed_to` or an address for `to`"
                ) from error
            flash(str(error), "danger")
            return redirect(failed_to or str(to))
        name = getattr(error, "field", None) or field
        target = getattr(form, name, None) if name else None
        if target is None:
            raise
        target.errors = [*target.errors, str(error)]  # a tuple before validation
        return None
    db.session.commit()
    if after_commit is not None:
        after_commit(result)
    message = _of(done, result) if done is not None else None
    if message:
        flash(message, "success")
    return redirect(_of(to, result))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["vn_date"] = format_date
    app.jinja_env.filters["vn_datetime"] = format_datetime
    app.jinja_env.filters["period_label"] = period_label
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["known_issuers"] = known_issuers
    app.jinja_env.globals["task_status"] = Status
    app.jinja_env.globals["cadence_label"] = cadence_label
    app.jinja_env.globals["entity_label"] = ENTITY_LABELS.get
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    install_template_gettext(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "province": province_name(app.config["TRACKER_PROVINCE"]),
            "current_locale": str(get_locale() or "vi"),
        }

    app.before_request(refuse_nul)
    app.before_request(expire_idle_sessions)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Everything is served by the app itself: no CDN, no outside link.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        hsts = app.config.get("HSTS_SECONDS")
        if hsts:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains"
            )
        if request.endpoint != "static" and current_user and current_user.is_authenticated:
            # a logged-in page or a download must not stay in a shared browser's cache or a
            # proxy: the back button after logout would show it again
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul() -> None:
    """Refuse NUL in query strings, form fields and file names, for every route at once.

    PostgreSQL cannot store NUL in text (`?q=%00` answered 500 on every search box) and a file
    named `x\x00.pdf` was stored on SQLite but could never be downloaded. No browser sends it
    from a form; a crafted request gets a 400 page saying what is wrong.
    """
    if _has_nul(request.args) or (
        request.method in ("POST", "PUT", "PATCH")
        and (
            _has_nul(request.form)
            or any("\x00" in (f.filename or "") for f in request.files.values())
        )
    ):
        abort(400, description=_("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."))


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def expire_idle_sessions():
    """End a logged-in session idle too long or open too long (checked on the server).

    The limits are the office's settings (Quản trị → Phiên đăng nhập) with the config's
    defaults. The timestamps live in the signed session cookie, so a client cannot extend
    them; logging out through Flask-Login also clears the remember-me cookie.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    from tracker.auth.sessions import cached_session_limits
    from tracker.timeutil import utcnow

    now = _stamp(utcnow())
    idle, absolute = cached_session_limits()
    started = session.get("_started")
    seen = session.get("_seen")
    if started is None:  # a session from before this check, or restored by remember-me
        session["_started"] = started = now
    expired = (seen is not None and now - seen > idle * 60) or (now - started > absolute * 3600)
    if expired:
        logout_user()
        lang = session.get("lang")
        session.clear()
        session["_remember"] = "clear"  # Flask-Login deletes the remember-me cookie too
        if lang:
            session["lang"] = lang
        flash(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # stamped at most once a minute, so that not every request rewrites the cookie
    if seen is None or now - seen >= 60:
        session["_seen"] = now
    return None
