"""/cong-khai (no login, 404 while the office keeps it off) and the office's switch."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _

from tracker.auth.models import Role
from tracker.auth.permissions import roles_required
from tracker.public import services
from tracker.public.forms import PublicSettingsForm
from tracker.reports.service import PERIOD_CODES, ReportError, default_code, parse_request
from tracker.timeutil import today
from tracker.web import commit_or_roll_back

bp = Blueprint("public", __name__)


@bp.route("/cong-khai")
def page():
    """Per-agency on-time rates and counts for a chosen period; 404 when off, so nothing is
    visible without login unless the office chose it."""
    if not services.enabled():
        abort(404)
    now = today()
    year = (request.args.get("year") or str(now.year)).strip()
    code = (request.args.get("period") or default_code(now)).strip()
    error, data = None, None
    try:
        req = parse_request(year, code, None)
        data = services.public_rows(req)
    except ReportError as problem:
        error = str(problem)
    status = 200 if error is None else 422
    return (
        render_template(
            "public/page.html", data=data, error=error, year=year, code=code, codes=PERIOD_CODES
        ),
        status,
    )


@bp.route("/cong-khai/cai-dat", methods=["GET", "POST"])
@roles_required(Role.OFFICE_ADMIN)
def settings():
    """The office administrator turns the public page on or off."""
    form = PublicSettingsForm()
    if request.method == "GET":
        form.enabled.data = services.enabled()
    elif form.validate_on_submit():
        return commit_or_roll_back(
            lambda: services.set_enabled(bool(form.enabled.data)),
            errors=(),
            done=lambda on: _("Đã bật trang công khai.") if on else _("Đã tắt trang công khai."),
            to=url_for("public.settings"),
        )
    return render_template("public/settings.html", form=form, on=services.enabled())
