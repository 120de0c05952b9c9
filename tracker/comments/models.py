"""One post of a task's conversation: direction by a leader or the office, or an agency's
comment."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class TaskComment(db.Model):
    """A post on a task; `kind` is "direction" or "comment" (see rules.CommentKind)."""

    __tablename__ = "task_comment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: the author's agency when they wrote (an officer may later move to another agency)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    #: the author's role when they wrote ("leader", "office_staff", …): the timeline's label
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship()
    author: Mapped[User | None] = relationship()
    agency: Mapped[Agency | None] = relationship()


# the task page lists a task's posts in order
Index("ix_task_comment_task", TaskComment.task_id, TaskComment.id)
