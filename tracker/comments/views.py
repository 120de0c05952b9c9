"""Posting on a task's conversation; the list itself is part of the task page."""

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.permissions import get_task_or_404
from tracker.comments import services
from tracker.comments.forms import CommentForm
from tracker.extensions import db
from tracker.tasks.page import task_page
from tracker.web import commit_or_roll_back

bp = Blueprint("comments", __name__, url_prefix="/tasks")


@bp.route("/<int:task_id>/comments", methods=["POST"])
@login_required
def post(task_id: int):
    """Whoever sees the task may post: another agency's officer gets 404 from the lookup."""
    task = get_task_or_404(task_id, current_user)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            response = commit_or_roll_back(
                lambda: services.post(task, current_user, form.body.data),
                errors=services.CommentError,
                form=form,
                field="body",
                done=lambda comment: (
                    _("Đã gửi ý kiến chỉ đạo.")
                    if comment.kind == "direction"
                    else _("Đã gửi ý kiến trao đổi.")
                ),
                to=url_for("tasks.show", task_id=task.id, _anchor="trao-doi"),
            )
        except services.NotAllowed:
            db.session.rollback()
            abort(403)
        if response:
            return response
    return task_page(task, comment_form=form, status=422)
