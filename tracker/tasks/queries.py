"""Task queries in SQL: the lists' filters and sorting.

The rules they apply — an obligation's state, "open", which agencies a task involves — live in
`tracker.deadlines.status` and `tracker.deadlines.obligations` (Python and SQL side by side); a
state filter keeps the tasks that have an obligation in that state (a one-off task's deadline,
a begun reporting period, a via agency's own deadline), which is what the dashboard counts.
"""

from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.deadlines import obligations as ob
from tracker.deadlines.status import Status, is_open_sql, status_is_sql
from tracker.directives.models import Directive
from tracker.sql import in_ids
from tracker.tasks.models import Task
from tracker.tasks.search import task_search


def obligation_filter(
    arm: ob.Arm,
    as_of: date,
    *,
    status: str = "",
    due_from: date | None = None,
    due_to: date | None = None,
) -> list[ColumnElement[bool]]:
    """The filters that read an obligation itself — its state (a code, or "open") and its due
    date — for one kind of obligation; the dashboard's counts and the task list share it."""
    where: list[ColumnElement[bool]] = []
    if due_from:
        where.append(arm.due_on >= due_from)
    if due_to:
        where.append(arm.due_on <= due_to)
    if status == "open":
        where.append(is_open_sql(as_of, done_on=arm.done_on, cancelled_on=arm.cancelled_on))
    elif status in {s.value for s in Status}:
        where.append(status_is_sql(status, as_of, **arm.status_kwargs()))
    return where


def with_obligation(
    as_of: date, *, status: str = "", due_from: date | None = None, due_to: date | None = None
) -> ColumnElement[bool] | None:
    """Tasks with at least one obligation passing `obligation_filter` (None: no such filter).

    For today, written on the task's row (`Arm.of_task`), so that an agency's list reads its
    own tasks rather than every overdue obligation of the province; a past day's due dates come
    from the extensions, joined per kind of obligation.
    """
    arms = ob.arms(as_of)
    wheres = [
        obligation_filter(arm, as_of, status=status, due_from=due_from, due_to=due_to)
        for arm in arms
    ]
    if not any(wheres):
        return None
    if all(arm.latest is None for arm in arms):
        return or_(*(arm.of_task(*where) for arm, where in zip(arms, wheres, strict=True)))
    parts = [arm.select(Task.id).where(*where) for arm, where in zip(arms, wheres, strict=True)]
    return in_ids(Task.id, union_all(*parts))


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
    page (the directive from the join the sort or filter needs, else by one SELECT … IN for the page;
    the lead agency by a joined load) instead of one lazy SELECT per row — 25 rows used to cost up to 50 extra statements
    (issue 7, tests/bench/test_query_counts.py). The directive is joined before the LIMIT only
    when the sort or a directive filter (issuer, kind) reads it (the search reads directive ids): at 1M tasks that
    join alone cost 60 ms per page. The filters are the dashboard's (`reports.dashboard.Filters`),
    so a tile's number is the length of the list it opens.
    """
    stmt = select(Task).where(visibility)
    if sort == "directive" or issuer or kind:
        stmt = stmt.join(Task.directive).options(contains_eager(Task.directive))
    else:
        # no join before the LIMIT: the page's 25 tasks are picked from the task table alone,
        # then their directives are read by id in one more statement
        stmt = stmt.options(selectinload(Task.directive))
    stmt = stmt.options(joinedload(Task.lead_agency))
    if query:
        stmt = stmt.where(task_search(query))
    having = with_obligation(as_of, status=status, due_from=due_from, due_to=due_to)
    if having is not None:
        stmt = stmt.where(having)
    if agency_id:
        stmt = stmt.where(ob.involves_agency_sql(agency_id))
    if directive_id:
        stmt = stmt.where(Task.directive_id == directive_id)
    if issuer:
        stmt = stmt.where(Directive.issuer == issuer)
    if kind:
        stmt = stmt.where(Directive.kind == kind)
    return stmt.order_by(*SORTS.get(sort, SORTS["due"]))


def directive_task_rows(directive_id: int) -> Select:
    """A directive's tasks, for the directive page (their states: `obligations.task_lines`).

    The page shows each task's lead, co- and via agencies: they are loaded with the tasks (joined
    for the two single agencies, one extra SELECT for all the co-agencies) rather than lazily per
    row, so a 30-task directive costs the same few statements as a 3-task one.
    """
    return (
        select(Task)
        .where(Task.directive_id == directive_id)
        .options(
            joinedload(Task.lead_agency),
            joinedload(Task.via_agency),
            selectinload(Task.co_agencies),
        )
        .order_by(Task.id)
    )
