"""The task page (a task with its timeline, files, deadlines and conversation), built for the
task's own view and for the forms posted on it that show it again with what was typed."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from tracker.acceptance.panel import task_panel as acceptance_panel
from tracker.auth.permissions import can_complete, can_manage_tasks, can_report_progress
from tracker.comments.forms import CommentForm
from tracker.comments.rules import kind_for_role
from tracker.comments.services import conversation
from tracker.deadlines.obligations import task_lines
from tracker.deadlines.panel import task_panel
from tracker.deadlines.status import is_due_soon
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.tasks.forms import ProgressForm, ReasonForm
from tracker.tasks.models import Task
from tracker.tasks.timeline import build_timeline
from tracker.timeutil import today


def task_page(
    task: Task,
    progress_form: ProgressForm | None = None,
    status: int = 200,
    *,
    comment_form: CommentForm | None = None,
):
    """The task page; after a failed progress post or comment it shows the form with what was
    typed."""
    as_of = today()
    attachments = (
        db.session.execute(
            select(Attachment).where(Attachment.task_id == task.id).order_by(Attachment.uploaded_at)
        )
        .scalars()
        .all()
    )
    progress_files = {
        a.progress_update_id: a
        for a in db.session.execute(
            select(Attachment).where(
                Attachment.progress_update_id.in_([u.id for u in task.progress_updates])
            )
        ).scalars()
    }
    page = render_template(
        "tasks/show.html",
        task=task,
        state=task_lines([task], as_of)[task.id].status,
        due_soon=is_due_soon(as_of, task.due_on, task.done_on, cancelled_on=task.cancelled_on),
        as_of=as_of,
        timeline=build_timeline(task),
        attachments=attachments,
        progress_files=progress_files,
        progress_form=progress_form or ProgressForm(),
        reason_form=ReasonForm(),
        can_report=can_report_progress(current_user, task),
        can_complete=can_complete(current_user, task)
        and not task.is_done
        and task.submitted_on is None,
        can_manage=can_manage_tasks(current_user),
        deadlines=task_panel(task, current_user, as_of),
        acceptance=acceptance_panel(task, current_user, as_of),
        conversation=conversation(task),
        comment_form=comment_form or CommentForm(),
        comment_kind=kind_for_role(str(current_user.role)),
    )
    return page, status
