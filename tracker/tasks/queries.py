"""Task queries in SQL: the lists' filters and sorting.

The rules they apply — an obligation's state, "open", which agencies a task involves — live in
`tracker.deadlines.status` and `tracker.deadlines.obligations` (Python and SQL side by side); a
state filter keeps the tasks that have an obligation in that state (a one-off task's deadline,
a begun reporting period, a via agency's own deadline), which is what the dashboard counts.
"""

from dataclasses import dataclass
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, CompoundSelect, Select, func, select, true, union_all
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.deadlines import obligations as ob
from tracker.deadlines.status import Status, is_open_sql, status_is_sql
from tracker.directives.models import Directive
from tracker.extensions import db
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


@dataclass(frozen=True)
class TaskFilters:
    """What a task list is filtered by (parsed by `reports.dashboard.Filters`, so a tile's
    number is the length of the list it opens)."""

    query: str = ""
    status: str = ""
    agency_id: int | None = None
    directive_id: int | None = None
    issuer: str = ""
    kind: str = ""
    due_from: date | None = None
    due_to: date | None = None

    @property
    def reads_directive(self) -> bool:
        """Whether a condition reads the directive's columns (issuer, kind); the search reads
        directive ids (tracker.tasks.search), not a join."""
        return bool(self.issuer or self.kind)

    def task_conditions(self, visibility: ColumnElement[bool]) -> list[ColumnElement[bool]]:
        """The conditions on the task and its directive (every kind of obligation shares
        them)."""
        where = [visibility]
        if self.agency_id:
            where.append(ob.involves_agency_sql(self.agency_id))
        if self.directive_id:
            where.append(Task.directive_id == self.directive_id)
        if self.query:
            where.append(task_search(self.query))
        if self.issuer:
            where.append(Directive.issuer == self.issuer)
        if self.kind:
            where.append(Directive.kind == self.kind)
        return where


def matching_obligations(
    visibility: ColumnElement[bool], as_of: date, f: TaskFilters
) -> CompoundSelect | None:
    """One row (``task_id``) per obligation passing every filter, None without a state or
    due-date filter (the list is then of tasks, not obligations).

    A UNION ALL of one part per kind of obligation, each carrying every task condition (the
    user's visibility, an agency, a directive, the search): each part then reads its own
    partial index — an agency's open one-off tasks by (lead, due) and (via, due), its
    recurring tasks' open periods, its via items — instead of every task the agency is
    involved in, done ones included, filtered by an OR with an EXISTS (issue 12: the
    agency's overdue list took 4× its time before obligations). Its rows count the
    obligations (the tile's number) and its distinct ids the tasks (the list's pages), in
    one statement (`obligation_totals`).
    """
    arms = ob.arms(as_of)
    wheres = [
        obligation_filter(arm, as_of, status=f.status, due_from=f.due_from, due_to=f.due_to)
        for arm in arms
    ]
    if not any(wheres):
        return None
    conditions = f.task_conditions(visibility)
    parts = []
    for arm, where in zip(arms, wheres, strict=True):
        part = arm.select(Task.id.label("task_id"), Task.due_on.label("task_due_on"))
        if f.reads_directive:
            part = part.join(Directive, Directive.id == Task.directive_id)
        parts.append(part.where(*conditions, *where))
    return union_all(*parts)


def obligation_totals(matching: CompoundSelect) -> tuple[int, int]:
    """(obligations, tasks) of `matching_obligations`, in one statement."""
    rows = matching.subquery()
    found = db.session.execute(
        select(func.count(), func.count(func.distinct(rows.c.task_id)))
    ).one()
    return found[0], found[1]


#: the sorts an `ObligationPage` can apply to the task ids alone (the others read the directive)
ID_SORTS = {
    "due": lambda c: (c.task_due_on.is_(None), c.task_due_on.asc(), c.task_id),
    "-due": lambda c: (c.task_due_on.is_(None), c.task_due_on.desc(), c.task_id.desc()),
    "new": lambda c: (c.task_id.desc(),),
}


class ObligationPage(Pagination):
    """A page of the tasks of `matching_obligations`, with its two totals (``total``: tasks,
    ``obligations``), in two statements.

    The first evaluates the obligations once (a CTE read three times, which PostgreSQL
    materialises), counts them and their tasks, and picks the page's task ids in the list's
    order; the second loads those 25 tasks. Listing the tasks as `filtered_tasks` does, then
    counting, evaluated the UNION twice and loaded every matching task row only to sort them
    (issue 12). Arguments: ``matching``, ``sort`` (a key of `ID_SORTS`), ``session``.
    """

    obligations: int = 0

    def _query_items(self) -> list[Task]:
        session = self._query_args["session"]
        rows = self._query_args["matching"].cte("matching")
        tasks = select(rows.c.task_id, rows.c.task_due_on).distinct().subquery()
        picked = (
            select(tasks.c.task_id, tasks.c.task_due_on)
            .order_by(*ID_SORTS[self._query_args["sort"]](tasks.c))
            .limit(self.per_page)
            .offset(self._query_offset)
            .subquery()
        )
        totals = select(
            func.count().label("obligations"),
            func.count(func.distinct(rows.c.task_id)).label("tasks"),
        ).subquery()
        found = session.execute(
            select(totals.c.obligations, totals.c.tasks, picked.c.task_id).select_from(
                totals.outerjoin(picked, true())
            )
        ).all()
        self.obligations, self._tasks = found[0].obligations, found[0].tasks
        ids = [row.task_id for row in found if row.task_id is not None]
        if not ids:
            return []
        return list(
            session.scalars(
                select(Task)
                .where(Task.id.in_(ids))
                .options(selectinload(Task.directive), joinedload(Task.lead_agency))
                .order_by(*SORTS[self._query_args["sort"]])
            ).unique()
        )

    def _query_count(self) -> int:
        return self._tasks


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
    matching: CompoundSelect | None = None,
) -> Select:
    """The statement behind every task list: visible tasks, filtered and sorted.

    Each row shows its directive's number and its lead agency's name: both are loaded with the
    page (the directive from the join the sort or filter needs, else by one SELECT … IN for the page;
    the lead agency by a joined load) instead of one lazy SELECT per row — 25 rows used to cost up to 50 extra statements
    (issue 7, tests/bench/test_query_counts.py). The directive is joined before the LIMIT only
    when the sort or a directive filter (issuer, kind) reads it (the search reads directive ids): at 1M tasks that
    join alone cost 60 ms per page. The filters are the dashboard's (`reports.dashboard.Filters`),
    so a tile's number is the length of the list it opens.

    With a state or due-date filter the tasks are those of `matching_obligations` (pass it
    when the caller counts it too): every condition is inside its parts, none is repeated
    outside (on PostgreSQL each repetition of an agency's visibility computes its co-agency
    array again).
    """
    f = TaskFilters(query, status, agency_id, directive_id, issuer, kind, due_from, due_to)
    if matching is None:
        matching = matching_obligations(visibility, as_of, f)
    stmt = select(Task)
    if matching is not None:
        stmt = stmt.where(in_ids(Task.id, select(matching.subquery().c.task_id)))
        if sort == "directive":
            stmt = stmt.join(Task.directive).options(contains_eager(Task.directive))
        else:
            stmt = stmt.options(selectinload(Task.directive))
    else:
        if f.reads_directive or sort == "directive":
            stmt = stmt.join(Task.directive).options(contains_eager(Task.directive))
        else:
            # no join before the LIMIT: the page's 25 tasks are picked from the task table
            # alone, then their directives are read by id in one more statement
            stmt = stmt.options(selectinload(Task.directive))
        stmt = stmt.where(*f.task_conditions(visibility))
    stmt = stmt.options(joinedload(Task.lead_agency))
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
