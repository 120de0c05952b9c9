"""The deadline panel of the task page: periods with their states, the via agency's item,
the extension history, and which deadline actions the user may take."""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.auth.models import User
from tracker.deadlines import access, services
from tracker.deadlines.forms import ViaDoneForm
from tracker.deadlines.models import ExtensionRequest, ExtensionState
from tracker.deadlines.status import is_due_soon
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.tasks.models import Task


def task_panel(task: Task, user: User, as_of: date) -> dict[str, Any]:
    """What the task page shows about deadlines: periods with their states, the via agency's
    item, the extension history, and which actions this user may take."""
    periods = []
    if task.is_recurring:
        rows = sorted(task.periods, key=lambda p: (p.due_on, p.ends_on, p.key))
        files = {
            a.period_id: a
            for a in db.session.execute(
                select(Attachment).where(Attachment.period_id.in_([p.id for p in rows]))
            ).scalars()
        }
        for p in rows:
            periods.append(
                {
                    "row": p,
                    "status": services.period_status(p, as_of),
                    "due_soon": not p.done_on
                    and is_due_soon(as_of, p.due_on, p.done_on, cancelled_on=task.cancelled_on),
                    "file": files.get(p.id),
                }
            )
    requests = db.session.execute(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task.id)
        .options(
            selectinload(ExtensionRequest.period),
            selectinload(ExtensionRequest.requested_by),
            selectinload(ExtensionRequest.decided_by),
        )
        .order_by(ExtensionRequest.requested_at.desc(), ExtensionRequest.id.desc())
    ).scalars()
    requests = list(requests)
    pending_targets = {r.period_id for r in requests if r.state == ExtensionState.PENDING.value}
    can_request = access.can_request_extension(user, task) and not (
        task.is_done or task.is_cancelled
    )
    return {
        "periods": periods,
        "via_status": services.via_status(task, as_of),
        "via_form": ViaDoneForm(),
        "can_mark_via": access.can_mark_via_done(user, task)
        and task.via_done_on is None
        and not task.is_cancelled,
        "requests": requests,
        "pending_targets": pending_targets,
        "can_request": can_request,
        "can_request_task": can_request and task.due_on is not None and None not in pending_targets,
        "can_submit": access.can_submit_period(user, task) and not task.is_cancelled,
        "can_decide": access.is_office(user),
    }
