"""The journal page (Nhật ký): every recorded change, for the office.

Office only: the journal shows every account's changes (emails, roles, deactivations) and
every agency's mailboxes; leaders read the tasks and reports, and each task's own history on
its page (its timeline).
"""

from flask import Blueprint, Response, flash, render_template, request, stream_with_context
from sqlalchemy import select

from tracker.audit import journal
from tracker.auth.models import User
from tracker.auth.permissions import office_required
from tracker.extensions import db
from tracker.timeutil import today

bp = Blueprint("audit", __name__, url_prefix="/journal")


def _filters() -> journal.JournalFilters:
    filters = journal.JournalFilters.from_args(request.args)
    for warning in filters.warnings:
        flash(warning, "warning")
    return filters


@bp.route("/")
@office_required
def index():
    filters = _filters()
    page = db.paginate(filters.statement(), per_page=journal.PER_PAGE, error_out=False)
    users = db.session.execute(select(User.id, User.full_name).order_by(User.full_name)).all()
    return render_template(
        "audit/journal.html",
        page=page,
        rows=journal.describe(list(page.items)),
        f=filters,
        kinds=journal.KINDS,
        users=users,
    )


@bp.route("/journal.csv")
@office_required
def export_csv():
    """The filtered journal as CSV (UTF-8 with BOM), streamed."""
    filters = _filters()
    name = f"nhat-ky-{today().isoformat()}.csv"
    return Response(
        stream_with_context(journal.journal_csv(filters)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
