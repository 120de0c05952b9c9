"""Task queries in SQL: the four-way status as a SQL expression, filters and sorting.

The status rules are those of `tracker.deadlines.status.status_as_of`, written so the
database can count and filter (no task is loaded into Python to be classified).
"""

from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.deadlines.status import Status
from tracker.directives.models import Directive
from tracker.sql import in_ids
from tracker.tasks.models import Task, task_co_agency
from tracker.tasks.search import task_search
from tracker.timeutil import today


def status_expression(as_of: date) -> ColumnElement[str]:
    """The status code of each task as of the end of `as_of` (current due dates)."""
    done = and_(Task.done_on.is_not(None), Task.done_on <= as_of)
    return case(
        (
            and_(Task.cancelled_on.is_not(None), Task.cancelled_on <= as_of),
            literal(Status.CANCELLED.value),
        ),
        (
            and_(done, or_(Task.due_on.is_(None), Task.done_on <= Task.due_on)),
            literal(Status.DONE_ON_TIME.value),
        ),
        (done, literal(Status.DONE_LATE.value)),
        (Task.due_on.is_(None), literal(Status.NO_DEADLINE.value)),
        (Task.due_on < as_of, literal(Status.OPEN_OVERDUE.value)),
        else_=literal(Status.OPEN_ON_TIME.value),
    )


def open_condition(as_of: date) -> ColumnElement[bool]:
    """Tasks neither done nor cancelled at the end of `as_of`.

    The services never record a completion or a cancellation after today, so for today (or a
    later day) "open" is simply "no completion, no cancellation" — exactly the predicate of the
    partial indexes on open tasks (`ix_task_open_*`), which then serve every list of today's
    work. Only a day in the past needs the history-aware form, which no partial index can
    serve (issue 7: the agency's overdue list went from a scan of every task due before the
    day to three small index scans).
    """
    if as_of >= today():
        return and_(Task.done_on.is_(None), Task.cancelled_on.is_(None))
    return and_(
        or_(Task.done_on.is_(None), Task.done_on > as_of),
        or_(Task.cancelled_on.is_(None), Task.cancelled_on > as_of),
    )


def status_condition(code: str, as_of: date) -> ColumnElement[bool]:
    """A WHERE clause for one status code (index-friendly, unlike the CASE above)."""
    not_cancelled = or_(Task.cancelled_on.is_(None), Task.cancelled_on > as_of)
    done = and_(Task.done_on.is_not(None), Task.done_on <= as_of)
    is_open = open_condition(as_of)
    conditions = {
        Status.CANCELLED: and_(Task.cancelled_on.is_not(None), Task.cancelled_on <= as_of),
        Status.DONE_ON_TIME: and_(
            not_cancelled, done, or_(Task.due_on.is_(None), Task.done_on <= Task.due_on)
        ),
        Status.DONE_LATE: and_(not_cancelled, done, Task.done_on > Task.due_on),
        Status.NO_DEADLINE: and_(is_open, Task.due_on.is_(None)),
        Status.OPEN_OVERDUE: and_(is_open, Task.due_on < as_of),
        Status.OPEN_ON_TIME: and_(is_open, Task.due_on >= as_of),
    }
    return conditions[Status(code)]


def involving_agency(agency_id: int) -> ColumnElement[bool]:
    """Tasks where the agency is lead, co-agency or via agency.

    The co-agency arm goes through `in_ids`, so on PostgreSQL the three arms are OR-ed bitmap
    index scans (lead and via through the partial indexes on open tasks).
    """
    co_task_ids = select(task_co_agency.c.task_id).where(task_co_agency.c.agency_id == agency_id)
    return or_(
        Task.lead_agency_id == agency_id,
        Task.via_agency_id == agency_id,
        in_ids(Task.id, co_task_ids),
    )


SORTS = {
    "due": (Task.due_on.is_(None), Task.due_on.asc(), Task.id),
    "-due": (Task.due_on.is_(None), Task.due_on.desc(), Task.id.desc()),
    "new": (Task.id.desc(),),
    "directive": (Directive.issued_on.desc(), Task.id),
}


def filtered_tasks(
    visibility: ColumnElement[bool],
    *,
    as_of: date,
    query: str = "",
    status: str = "",
    agency_id: int | None = None,
    directive_id: int | None = None,
    issuer: str = "",
    kind: str = "",
    due_from: date | None = None,
    due_to: date | None = None,
    sort: str = "due",
) -> Select:
    """The statement behind every task list: visible tasks, filtered and sorted.

    Each row shows its directive's number and its lead agency's name: both are loaded with the
    page (the directive from the join the search needs, else by one SELECT … IN for the page;
    the lead agency by a joined load) instead of one lazy SELECT per row — 25 rows used to cost up to 50 extra statements
    (issue 7, tests/bench/test_query_counts.py). The directive is joined before the LIMIT only
    when the search, the sort or a directive filter (issuer, kind) reads it: at 1M tasks that
    join alone cost 60 ms per page. The filters are the dashboard's (`reports.dashboard.Filters`),
    so a tile's number is the length of the list it opens.
    """
    stmt = select(Task).where(visibility)
    if query or sort == "directive" or issuer or kind:
        stmt = stmt.join(Task.directive).options(contains_eager(Task.directive))
    else:
        # no join before the LIMIT: the page's 25 tasks are picked from the task table alone,
        # then their directives are read by id in one more statement
        stmt = stmt.options(selectinload(Task.directive))
    stmt = stmt.options(joinedload(Task.lead_agency))
    if query:
        stmt = stmt.where(task_search(query))
    if status in {s.value for s in Status}:
        stmt = stmt.where(status_condition(status, as_of))
    elif status == "open":
        stmt = stmt.where(open_condition(as_of))
    if agency_id:
        stmt = stmt.where(involving_agency(agency_id))
    if directive_id:
        stmt = stmt.where(Task.directive_id == directive_id)
    if issuer:
        stmt = stmt.where(Directive.issuer == issuer)
    if kind:
        stmt = stmt.where(Directive.kind == kind)
    if due_from:
        stmt = stmt.where(Task.due_on >= due_from)
    if due_to:
        stmt = stmt.where(Task.due_on <= due_to)
    return stmt.order_by(*SORTS.get(sort, SORTS["due"]))


def directive_task_rows(directive_id: int, as_of: date) -> Select:
    """A directive's tasks with their status, for the directive page.

    The page shows each task's lead, co- and via agencies: they are loaded with the tasks (joined
    for the two single agencies, one extra SELECT for all the co-agencies) rather than lazily per
    row, so a 30-task directive costs the same few statements as a 3-task one.
    """
    return (
        select(Task, status_expression(as_of).label("status"))
        .where(Task.directive_id == directive_id)
        .options(
            joinedload(Task.lead_agency),
            joinedload(Task.via_agency),
            selectinload(Task.co_agencies),
        )
        .order_by(Task.id)
    )
