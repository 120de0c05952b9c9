"""The home page: each role lands where its work is."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.auth.permissions import office_required, task_visibility
from tracker.replica import replica_reads
from tracker.reports.dashboard import Filters, build_dashboard, chosen_directive, filter_choices
from tracker.timeutil import today

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.dashboard"))


@bp.route("/dashboard")
@login_required
@replica_reads
def dashboard():
    """Office and leaders: every task; an agency: its own tasks (lead, co-agency or via)."""
    filters = Filters.from_args(request.args, allow_agency=not current_user.is_agency)
    visibility = task_visibility(current_user)
    choices = filter_choices(visibility, with_agencies=not current_user.is_agency)
    filters.keep_known(choices)
    data = build_dashboard(visibility, filters, today())
    return render_template(
        "main/dashboard.html",
        d=data,
        as_of=data["as_of"],
        f=filters,
        choices=choices,
        chosen_directive=chosen_directive(filters.directive_id, visibility),
    )


@bp.route("/admin")
@office_required
def admin():
    """The office's registries and settings, gathered on one page."""
    return render_template("main/admin.html")
