"""Posting on a task's conversation; the list itself is part of the task page."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.permissions import get_task_or_404
from tracker.comments import services
from tracker.comments.forms import CommentForm
from tracker.extensions import db

bp = Blueprint("comments", __name__, url_prefix="/tasks")


@bp.route("/<int:task_id>/comments", methods=["POST"])
@login_required
def post(task_id: int):
    """Whoever sees the task may post: another agency's officer gets 404 from the lookup."""
    from tracker.tasks.page import task_page

    task = get_task_or_404(task_id, current_user)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = services.post(task, current_user, form.body.data)
        except services.NotAllowed:
            db.session.rollback()
            abort(403)
        except services.CommentError as error:
            db.session.rollback()
            form.body.errors = [str(error)]
        else:
            db.session.commit()
            if comment.kind == "direction":
                flash(_("Đã gửi ý kiến chỉ đạo."), "success")
            else:
                flash(_("Đã gửi ý kiến trao đổi."), "success")
            return redirect(url_for("tasks.show", task_id=task.id, _anchor="trao-doi"))
    return task_page(task, comment_form=form, status=422)
