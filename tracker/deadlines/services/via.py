"""Two-hop reporting: the via agency's own deadline, and recording its delivery."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker.deadlines.obligations import has_via_item
from tracker.deadlines.services.errors import DeadlineError
from tracker.deadlines.status import Status, status_as_of
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import today


def via_status(task: Task, as_of: date) -> Status | None:
    """The via agency's own item: due ``via_due_on``, delivered ``via_done_on``."""
    if not has_via_item(task):
        return None
    return status_as_of(
        as_of, due_on=task.via_due_on, done_on=task.via_done_on, cancelled_on=task.cancelled_on
    )


def mark_via_done(task: Task, *, done_on: date | None) -> Task:
    """The via agency delivered its consolidated report (on ``done_on``, today by default)."""
    if task.via_agency_id is None:
        raise DeadlineError("done_on", _("Nhiệm vụ không báo cáo qua đơn vị tổng hợp."))
    if task.via_done_on is not None:
        raise DeadlineError("done_on", _("Đơn vị tổng hợp đã gửi báo cáo tổng hợp."))
    if task.cancelled_on is not None:
        raise DeadlineError("done_on", _("Nhiệm vụ đã dừng/hủy."))
    local_today = today()
    done_on = done_on or local_today
    if done_on > local_today:
        raise DeadlineError("done_on", _("Ngày gửi báo cáo tổng hợp không được sau hôm nay."))
    task.via_done_on = done_on
    db.session.flush()
    return task
