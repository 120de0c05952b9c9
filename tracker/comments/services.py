"""Posting direction or a comment on a task. The caller commits: the post, its audit row
(written by the audit hook in the same flush), its notifications and its email are saved
together or not at all."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.auth.models import User
from tracker.comments.models import TaskComment
from tracker.comments.rules import MAX_LENGTH, CommentKind, body_problem, kind_for_role
from tracker.deadlines.obligations import involved_agency_ids
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class CommentError(ValueError):
    """A user-facing reason (in Vietnamese) why a post was not saved."""


class NotAllowed(PermissionError):
    """The user's role may not post on a task (the view answers 403)."""


def _message(problem: str) -> str:
    if problem == "empty":
        return _("Vui lòng nhập nội dung.")
    if problem == "nul":
        return _("Nội dung có ký tự không hợp lệ.")
    return _("Nội dung dài quá %(max)s ký tự.", max=MAX_LENGTH)


def post(task: Task, user: User, body: str | None) -> TaskComment:
    """Save `user`'s post on `task` (the view has checked the user may see the task).

    The kind follows the role: leaders and the office direct, agency officers comment; an
    agency officer must belong to one of the task's agencies.
    """
    kind = kind_for_role(str(user.role))
    if kind is None:
        raise NotAllowed
    if kind is CommentKind.COMMENT and user.agency_id not in involved_agency_ids(task):
        raise NotAllowed
    problem = body_problem(body)
    if problem:
        raise CommentError(_message(problem))
    comment = TaskComment(
        task_id=task.id,
        kind=kind.value,
        author_id=user.id,
        agency_id=user.agency_id if kind is CommentKind.COMMENT else None,
        author_role=str(user.role),
        body=(body or "").strip(),
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    if kind is CommentKind.DIRECTION:
        notify.direction_posted(comment, task)
    else:
        notify.comment_posted(comment, task)
    return comment


def conversation(task: Task) -> Sequence[TaskComment]:
    """The task's posts, oldest first (a conversation reads downwards)."""
    return (
        db.session.execute(
            select(TaskComment)
            .where(TaskComment.task_id == task.id)
            .options(selectinload(TaskComment.author), selectinload(TaskComment.agency))
            .order_by(TaskComment.created_at, TaskComment.id)
        )
        .scalars()
        .all()
    )
