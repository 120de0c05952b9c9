"""Giao xử lý: save, change or clear who handles a task inside one of its agencies.

The caller commits: the row, its audit row (written by the audit hook in the same flush, with
the task's id, so the task's timeline shows it), the agency's notification and the officer's
email are saved together or not at all. The task itself is never touched: its lead agency
still answers to the office.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.i18n import format_date
from tracker.subassign import rules
from tracker.subassign.models import SubAssignment
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class SubAssignError(ValueError):
    """A user-facing reason (in Vietnamese) why the hand-over was not saved; `field` names
    the form field it belongs to."""

    def __init__(self, message: str, field: str = "unit") -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(PermissionError):
    """The user may not hand this task on (the view answers 403)."""


@dataclass(frozen=True)
class HandOver:
    """What the form gives: a phòng's name or an officer's id, a note, an internal deadline."""

    unit: str = ""
    assignee_id: int | None = None
    note: str = ""
    internal_due_on: date | None = None


def answering_agency_ids(task: Task) -> set[int]:
    """The lead and co-agencies: the agencies that work on the task themselves."""
    return {task.lead_agency_id, *(a.id for a in task.co_agencies)}


def may_subassign(user: User, task: Task) -> bool:
    return rules.may_subassign(str(user.role), user.agency_id, answering_agency_ids(task))


def officers(agency_id: int) -> Sequence[User]:
    """The active officers of an agency, by name: whom a task can be handed to."""
    return (
        db.session.execute(
            select(User)
            .where(
                User.agency_id == agency_id,
                User.role == Role.AGENCY_OFFICER.value,
                User.active.is_(True),
            )
            .order_by(User.full_name, User.id)
        )
        .scalars()
        .all()
    )


def current(task: Task, agency_id: int) -> SubAssignment | None:
    return db.session.execute(
        select(SubAssignment).where(
            SubAssignment.task_id == task.id, SubAssignment.agency_id == agency_id
        )
    ).scalar_one_or_none()


def for_task(task: Task) -> Sequence[SubAssignment]:
    """Every agency's hand-over of the task (the page shows them to whoever sees the task)."""
    return (
        db.session.execute(
            select(SubAssignment)
            .where(SubAssignment.task_id == task.id)
            .options(selectinload(SubAssignment.assignee))
            .order_by(SubAssignment.agency_id)
        )
        .scalars()
        .all()
    )


def _message(problem: str) -> str:
    return {
        "nul": _("Nội dung có ký tự không hợp lệ."),
        "both": _("Chọn một trong hai: giao cho phòng hoặc giao cho cán bộ, không chọn cả hai."),
        "none": _("Vui lòng nhập tên phòng hoặc chọn cán bộ được giao xử lý."),
        "unit_too_long": _("Tên phòng dài quá %(max)s ký tự.", max=rules.MAX_UNIT),
        "note_too_long": _("Ghi chú dài quá %(max)s ký tự.", max=rules.MAX_NOTE),
    }[problem]


def assign(task: Task, user: User, data: HandOver) -> SubAssignment:
    """Give (or change) the task's handler inside `user`'s agency and tell the officer."""
    if not may_subassign(user, task):
        raise NotAllowed
    agency_id = int(user.agency_id or 0)
    unit = " ".join((data.unit or "").split())
    note = (data.note or "").strip()
    problem = rules.input_problem(unit, data.assignee_id, note)
    if problem:
        raise SubAssignError(_message(problem[1]), problem[0])
    if data.internal_due_on and task.due_on and data.internal_due_on > task.due_on:
        raise SubAssignError(
            _(
                "Hạn xử lý nội bộ không được sau thời hạn của nhiệm vụ (%(due)s).",
                due=format_date(task.due_on),
            ),
            "internal_due_on",
        )
    assignee = None
    if data.assignee_id is not None:
        assignee = next((o for o in officers(agency_id) if o.id == data.assignee_id), None)
        if assignee is None:
            raise SubAssignError(_("Cán bộ được chọn không thuộc đơn vị của bạn."), "assignee")
    label = f"{assignee.full_name} ({assignee.email})" if assignee else unit
    row = current(task, agency_id)
    if row is None:
        row = SubAssignment(task_id=task.id, agency_id=agency_id)
        db.session.add(row)
    elif (row.assignee_id, row.assignee_label, row.assign_note, row.internal_due_on) == (
        assignee.id if assignee else None,
        label,
        note,
        data.internal_due_on,
    ):
        return row  # nothing changed: no audit row, no second email
    row.assignee_id = assignee.id if assignee else None
    row.assignee_label = label
    row.assign_note = note
    row.internal_due_on = data.internal_due_on
    row.assigned_by_id = user.id
    row.updated_at = utcnow()
    db.session.flush()
    from tracker.notifications import services as notify

    notify.subassigned(row, task, user, assignee)
    return row


def clear(task: Task, user: User) -> bool:
    """Take the hand-over back (the agency handles the task as a whole again); False when
    there was none."""
    if not may_subassign(user, task):
        raise NotAllowed
    row = current(task, int(user.agency_id or 0))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def agency_list(agency_id: int, *, mine: User | None = None) -> Sequence[SubAssignment]:
    """The agency's handed-over tasks (only those given to `mine` when set), by internal
    deadline then task deadline: what the agency's clerk checks each morning."""
    query = (
        select(SubAssignment)
        .join(Task, Task.id == SubAssignment.task_id)
        .where(SubAssignment.agency_id == agency_id)
        .options(
            joinedload(SubAssignment.assignee),
            selectinload(SubAssignment.task).joinedload(Task.directive),
        )
        .order_by(
            SubAssignment.internal_due_on.is_(None),
            SubAssignment.internal_due_on,
            Task.due_on.is_(None),
            Task.due_on,
            SubAssignment.id,
        )
    )
    if mine is not None:
        query = query.where(SubAssignment.assignee_id == mine.id)
    return db.session.execute(query).scalars().all()
