"""Who may do what. Every view asks here; nothing relies on hiding a button.

- office roles (office_admin, office_staff): everything about directives, tasks, agencies;
  office_admin also manages user accounts;
- agency officers: see the tasks where their agency is lead, co-agency or the via agency;
  post progress on them; the lead completes the task and asks for more time;
- leaders: read everything, change nothing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.models import OFFICE_ROLES, Role, User
from tracker.deadlines.obligations import involved_agency_ids, involves_agency_sql
from tracker.extensions import db
from tracker.tasks.models import Task


def roles_required(*roles: Role) -> Callable:
    """Let only logged-in users with one of `roles` through (403 for the others)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


office_required = roles_required(*OFFICE_ROLES)
admin_required = roles_required(Role.OFFICE_ADMIN)


def task_visibility(user: User, agency_id: int | None = None) -> ColumnElement[bool]:
    """Return the SQL condition for the tasks `user` may see (as one clause, no N+1)."""
    if user.role == Role.AGENCY_OFFICER:
        agency_id = user.agency_id
    elif agency_id is None:
        return true()
    if agency_id is None:  # an officer without an agency sees nothing
        return Task.id.is_(None)
    return involves_agency_sql(agency_id)


def get_task_or_404(task_id: int, user: User) -> Task:
    """Return the task if `user` may see it; 404 otherwise, so nothing about it leaks.

    What every task page and action reads (its directive, agencies and progress) comes with
    it in two statements instead of five lazy loads.
    """
    task = db.session.execute(
        select(Task)
        .where(Task.id == task_id, task_visibility(user))
        .options(
            joinedload(Task.directive),
            joinedload(Task.lead_agency),
            joinedload(Task.via_agency),
            selectinload(Task.co_agencies),
            selectinload(Task.progress_updates),
        )
    ).scalar_one_or_none()
    if task is None:
        abort(404)
    return task


def can_manage_tasks(user: User) -> bool:
    return user.is_authenticated and user.role in OFFICE_ROLES


def can_report_progress(user: User, task: Task) -> bool:
    """Office staff, or an officer of the lead, a co-agency or the via agency."""
    if user.role in OFFICE_ROLES:
        return True
    return user.role == Role.AGENCY_OFFICER and user.agency_id in involved_agency_ids(task)


def can_complete(user: User, task: Task) -> bool:
    """Office staff, or an officer of the lead agency (the one answerable for the task)."""
    if user.role in OFFICE_ROLES:
        return True
    return user.role == Role.AGENCY_OFFICER and user.agency_id == task.lead_agency_id
