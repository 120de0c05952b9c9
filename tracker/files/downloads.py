"""Sending an attachment to the current user, with the same visibility rules as the thing it
belongs to: the page's download and the API's."""

from flask import abort, send_file
from flask_login import current_user

from tracker.auth.models import OFFICE_ROLES, Role
from tracker.auth.permissions import get_task_or_404
from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.files.storage import path_of
from tracker.tasks.models import ProgressUpdate


def send_attachment(attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    task_id = attachment.task_id
    if attachment.progress_update_id:
        task_id = db.session.get(ProgressUpdate, attachment.progress_update_id).task_id
    if attachment.period_id:
        task_id = db.session.get(ReportingPeriod, attachment.period_id).task_id
    if task_id is not None:
        get_task_or_404(task_id, current_user)  # 404 unless the user may see the task
    elif current_user.role not in (*OFFICE_ROLES, Role.LEADER):
        # a directive's file (or an orphan) is read where the directive is: office and leaders;
        # agency officers do not browse directives, so they may not fetch their files by id
        abort(404)
    path = path_of(attachment)
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )
