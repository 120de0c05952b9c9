"""Template helpers, security headers and the small things every page shares."""

from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from tracker.deadlines.status import Status
from tracker.directives.forms import CADENCE_CHOICES
from tracker.i18n import format_date, format_datetime, format_decimal, period_label

_CADENCES = dict(CADENCE_CHOICES)
ENTITY_LABELS = {
    "task": _l("nhiệm vụ"),
    "reporting_period": _l("kỳ báo cáo"),
    "extension_request": _l("đề nghị gia hạn"),
    "attachment": _l("tệp đính kèm"),
    "progress_update": _l("báo cáo tiến độ"),
}


def cadence_label(code: str | None) -> str:
    """The Vietnamese name of a reporting cadence."""
    return _CADENCES.get(code or "none", code or "")


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


def init_app(app: Flask) -> None:
    app.jinja_env.filters["vn_date"] = format_date
    app.jinja_env.filters["vn_datetime"] = format_datetime
    app.jinja_env.filters["period_label"] = period_label
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["task_status"] = Status
    app.jinja_env.globals["cadence_label"] = cadence_label
    app.jinja_env.globals["entity_label"] = ENTITY_LABELS.get
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "province": app.config["TRACKER_PROVINCE"],
            "current_locale": str(get_locale() or "vi"),
        }

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
        return response
