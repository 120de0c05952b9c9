"""Who may act on deadlines. Views ask here; templates only hide buttons the server refuses.

- an officer of the lead agency asks for more time and submits the periods' reports;
- the office decides on extensions, may submit on an agency's behalf, edits the calendar and
  the period rules;
- the via agency's officer (or the office) records that the consolidated report went out;
- leaders read everything and change nothing.
"""

from tracker.auth.models import OFFICE_ROLES, Role, User
from tracker.tasks.models import Task


def is_office(user: User) -> bool:
    return user.is_authenticated and user.role in OFFICE_ROLES


def is_lead_officer(user: User, task: Task) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and user.agency_id is not None
        and user.agency_id == task.lead_agency_id
    )


def can_request_extension(user: User, task: Task) -> bool:
    """Only the lead agency asks for more time: it is the one answerable for the deadline."""
    return is_lead_officer(user, task)


def can_submit_period(user: User, task: Task) -> bool:
    return is_office(user) or is_lead_officer(user, task)


def can_mark_via_done(user: User, task: Task) -> bool:
    if is_office(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and task.via_agency_id is not None
        and user.agency_id == task.via_agency_id
    )
