"""The home page: each role lands where its work is."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker.auth.permissions import task_visibility
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.tasks.queries import status_expression
from tracker.timeutil import today

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.dashboard"))


@bp.route("/dashboard")
@login_required
def dashboard():
    """Counts per status of the tasks the user may see (one grouped query)."""
    as_of = today()
    status = status_expression(as_of).label("status")
    counts = dict(
        db.session.execute(
            select(status, func.count(Task.id))
            .where(task_visibility(current_user))
            .group_by(status)
        ).all()
    )
    return render_template("main/dashboard.html", counts=counts, as_of=as_of)
