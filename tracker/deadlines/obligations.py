"""Obligations: what the office tracks, and whose it is.

A task is not the unit the office counts. What is overdue is an *obligation*:

* ``task`` — a one-off task's own deadline (``Task.due_on``; none for "thường xuyên");
* ``period`` — each reporting period (``ReportingPeriod``) of a recurring task that has begun,
  with its own due date and submission; the recurring task itself is not counted again;
* ``via`` — in two-hop reporting, the via agency's own deadline (``Task.via_due_on``) for its
  consolidated report (``Task.via_done_on``).

Each obligation has a due date, a completion date and a cancellation date (a period and a via
item share their task's cancellation), so its state as of a day is the one rule of
`tracker.deadlines.status`. It is *answerable to* one agency (the lead agency, or the via
agency for a via item) — the one overdue lists and exports group it under — and it *involves*
every agency of its task (lead, co-agencies, via), which is who may see it.

Every rule here is written once in Python and once in SQL, side by side, under one name
(``rule`` / ``rule_sql``). The SQL is a list of `Arm` s, one per kind, rather than one UNION
subquery: each arm is counted or listed from its own table, so the partial indexes on open
tasks and open periods serve today's work (a UNION in a subquery hides them from the planner).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    cast,
    literal,
    null,
    or_,
    select,
    union_all,
)

from tracker.deadlines.models import ExtensionRequest, ExtensionState, ReportingPeriod
from tracker.deadlines.status import (
    OPEN_STATES,
    Status,
    due_on_as_of,
    due_on_as_of_sql,
    is_one_off,
    is_one_off_sql,
    latest_extension_sql,
    status_as_of,
    status_as_of_sql,
)
from tracker.extensions import db
from tracker.sql import in_ids
from tracker.tasks.models import Task, task_co_agency
from tracker.timeutil import today

if TYPE_CHECKING:
    from tracker.deadlines.services import ExtensionHistory

T = TypeVar("T")

TASK = "task"
PERIOD = "period"
VIA = "via"
KINDS = (TASK, PERIOD, VIA)


# -- which agencies an obligation involves ------------------------------------------------


def involved_agency_ids(task: Task) -> set[int]:
    """Agencies that may see and work on a task and its obligations (lead, co-agencies, via)."""
    ids = {task.lead_agency_id, *(a.id for a in task.co_agencies)}
    if task.via_agency_id:
        ids.add(task.via_agency_id)
    return ids


def involves_agency_sql(agency_id: int) -> ColumnElement[bool]:
    """`involved_agency_ids` in SQL: tasks where the agency is lead, co-agency or via agency.

    The co-agency arm goes through `in_ids`, so on PostgreSQL the three arms are OR-ed bitmap
    index scans (lead and via through the partial indexes on open tasks).
    """
    co_task_ids = select(task_co_agency.c.task_id).where(task_co_agency.c.agency_id == agency_id)
    return or_(
        Task.lead_agency_id == agency_id,
        Task.via_agency_id == agency_id,
        in_ids(Task.id, co_task_ids),
    )


def answerable_agency_id(kind: str, task: Task) -> int:
    """The agency an obligation is answerable to: the via agency for its own item, else the
    lead (chủ trì; NĐ 39/2022: one lead per task)."""
    return task.via_agency_id if kind == VIA and task.via_agency_id else task.lead_agency_id


# -- which obligations exist --------------------------------------------------------------


def has_via_item(task: Task) -> bool:
    """Whether the via agency has its own item: a via agency with a deadline or a delivery."""
    return task.via_agency_id is not None and (
        task.via_due_on is not None or task.via_done_on is not None
    )


def has_via_item_sql() -> ColumnElement[bool]:
    """`has_via_item` in SQL."""
    return and_(
        Task.via_agency_id.is_not(None),
        or_(Task.via_due_on.is_not(None), Task.via_done_on.is_not(None)),
    )


def period_has_begun(period: ReportingPeriod, as_of: date) -> bool:
    """A period is an obligation from its first day (periods are opened ahead of time)."""
    return period.starts_on <= as_of


def period_has_begun_sql(as_of: date) -> ColumnElement[bool]:
    """`period_has_begun` in SQL."""
    return ReportingPeriod.starts_on <= as_of


# -- the due date in force on a day (extensions) ------------------------------------------


def task_due_on_as_of(task: Task, as_of: date, history: ExtensionHistory) -> date | None:
    """A task's deadline in force at the end of ``as_of``: the original one, moved by the
    extensions approved on or before that day (``history`` from `approved_extensions`)."""
    extensions = history.get((task.id, None), ())
    original = task.original_due_on
    if original is None and not extensions:
        original = task.due_on  # a row from before original_due_on was kept
    return due_on_as_of(as_of, original, extensions)


def period_due_on_as_of(period: ReportingPeriod, as_of: date, history: ExtensionHistory) -> date:
    """A stored period's deadline in force at the end of ``as_of``."""
    extensions = history.get((period.task_id, period.id), ())
    return due_on_as_of(as_of, period.original_due_on, extensions) or period.original_due_on


def approved_extensions_sql(*, periods: bool) -> Subquery:
    """The approved extensions of tasks (or of periods) in the shape `due_on_as_of_sql` reads:
    ``owner_id, decided_on, approved_due_on, seq``."""
    owner = ExtensionRequest.period_id if periods else ExtensionRequest.task_id
    return (
        select(
            owner.label("owner_id"),
            ExtensionRequest.decided_on.label("decided_on"),
            ExtensionRequest.approved_due_on.label("approved_due_on"),
            ExtensionRequest.id.label("seq"),
        )
        .where(
            ExtensionRequest.period_id.is_not(None)
            if periods
            else ExtensionRequest.period_id.is_(None),
            ExtensionRequest.state == ExtensionState.APPROVED.value,
            ExtensionRequest.decided_on.is_not(None),
            ExtensionRequest.approved_due_on.is_not(None),
        )
        .subquery("periods_ext" if periods else "tasks_ext")
    )


def _current(as_of: date) -> bool:
    """Whether ``as_of`` is today or later: the stored due dates are then the ones in force
    (the services apply an approved extension on the day it is decided), and no history has to
    be read."""
    return as_of >= today()


# -- the obligations as SQL: one arm per kind ---------------------------------------------


@dataclass(frozen=True)
class Arm:
    """One kind of obligation as columns of its own FROM (the task table, or the periods joined
    to their task): every list and count is written once over these columns and run per arm."""

    kind: str
    due_on: ColumnElement
    done_on: ColumnElement
    cancelled_on: ColumnElement
    #: the agency it is answerable to (`answerable_agency_id`)
    agency_id: ColumnElement
    period_id: ColumnElement
    #: the period's label ("Quý III/2025"); NULL for a task's or a via agency's own deadline
    label: ColumnElement
    #: which rows of the FROM are obligations of this kind on the day
    exists: ColumnElement[bool]
    #: the extensions in force on a past day (`latest_extension_sql`), outer-joined on the id
    latest: Subquery | None = None
    #: acceptance (issue 16): reported done, awaiting the office / accepted on / excused on
    submitted_on: ColumnElement | None = None
    accepted_on: ColumnElement | None = None
    excused_on: ColumnElement | None = None

    def select(self, *columns) -> Select:
        """``SELECT columns`` over this arm's obligations (the task table is always in FROM)."""
        stmt = select(*columns)
        if self.kind == PERIOD:
            stmt = stmt.select_from(ReportingPeriod).join(Task, Task.id == ReportingPeriod.task_id)
            owner = ReportingPeriod.id
        else:
            stmt = stmt.select_from(Task)
            owner = Task.id
        if self.latest is not None:
            stmt = stmt.outerjoin(self.latest, self.latest.c.owner_id == owner)
        return stmt.where(self.exists)

    def of_task(self, *where) -> ColumnElement[bool]:
        """A WHERE clause on the task table: the task has an obligation of this kind passing
        ``where``. On the task's own row for its deadline and its via item (so an agency's list
        stays an index scan of its tasks); a correlated EXISTS for its periods (served by the
        (task, due) index on open periods). Today only: a past day's due dates need the
        extensions joined (`select`)."""
        assert self.latest is None, "of_task() reads today's due dates"
        if self.kind != PERIOD:
            return and_(self.exists, *where)
        return and_(
            ~is_one_off_sql(Task.cadence),  # first: only recurring tasks look for periods
            select(ReportingPeriod.id)
            .where(ReportingPeriod.task_id == Task.id, self.exists, *where)
            .exists(),
        )

    def status_kwargs(self) -> dict[str, ColumnElement]:
        kw = {"due_on": self.due_on, "done_on": self.done_on, "cancelled_on": self.cancelled_on}
        if self.submitted_on is not None:  # acceptance (issue 16)
            kw.update(submitted_on=self.submitted_on, accepted_on=self.accepted_on)
        return kw


def arms(as_of: date) -> list[Arm]:
    """The three kinds of obligation as of the end of ``as_of`` (due dates then in force)."""
    task_latest = period_latest = None
    if _current(as_of):
        task_due, period_due = Task.due_on, ReportingPeriod.due_on
    else:
        task_latest = latest_extension_sql(as_of, approved_extensions_sql(periods=False))
        period_latest = latest_extension_sql(as_of, approved_extensions_sql(periods=True))
        task_due = due_on_as_of_sql(Task.original_due_on, task_latest)
        period_due = due_on_as_of_sql(ReportingPeriod.original_due_on, period_latest)
    no_period = cast(null(), Integer)
    no_label = cast(null(), String)
    return [
        Arm(
            kind=TASK,
            due_on=task_due,
            done_on=Task.done_on,
            cancelled_on=Task.cancelled_on,
            agency_id=Task.lead_agency_id,
            period_id=no_period,
            label=no_label,
            exists=is_one_off_sql(Task.cadence),
            latest=task_latest,
            submitted_on=Task.submitted_on,
            accepted_on=Task.accepted_on,
            excused_on=Task.excused_on,
        ),
        Arm(
            kind=PERIOD,
            due_on=period_due,
            done_on=ReportingPeriod.done_on,
            cancelled_on=Task.cancelled_on,
            agency_id=Task.lead_agency_id,
            period_id=ReportingPeriod.id,
            label=ReportingPeriod.label,
            # a task turned one-off keeps its old periods in history, not as obligations
            exists=and_(~is_one_off_sql(Task.cadence), period_has_begun_sql(as_of)),
            latest=period_latest,
            submitted_on=ReportingPeriod.submitted_on,
            accepted_on=ReportingPeriod.accepted_on,
            excused_on=ReportingPeriod.excused_on,
        ),
        Arm(
            kind=VIA,
            due_on=Task.via_due_on,
            done_on=Task.via_done_on,
            cancelled_on=Task.cancelled_on,
            agency_id=Task.via_agency_id,
            period_id=no_period,
            label=no_label,
            exists=has_via_item_sql(),
        ),
    ]


def rows_sql(arm: Arm, *columns, where: Iterable = ()) -> Select:
    """One arm's obligations with the columns every obligation row carries (``kind``,
    ``task_id``, ``period_id``, ``period_label``, ``agency_id``, ``due_on``, ``done_on``,
    ``cancelled_on``) plus ``columns``; a UNION ALL of the arms lists every obligation."""
    return arm.select(
        literal(arm.kind, String).label("kind"),
        Task.id.label("task_id"),
        arm.period_id.label("period_id"),
        arm.label.label("period_label"),
        arm.agency_id.label("agency_id"),
        arm.due_on.label("due_on"),
        arm.done_on.label("done_on"),
        arm.cancelled_on.label("cancelled_on"),
        *columns,
    ).where(*where)


# -- the obligations in Python: the same, for one task -------------------------------------


@dataclass(frozen=True)
class Obligation:
    """One obligation as it stood at the end of a day."""

    kind: str
    task_id: int
    period_id: int | None
    period_label: str | None
    agency_id: int
    due_on: date | None
    done_on: date | None
    cancelled_on: date | None
    status: Status
    acceptance: Acceptance | None = None


def task_obligations(task: Task, as_of: date, history: ExtensionHistory) -> list[Obligation]:
    """The obligations of one task at the end of ``as_of`` (its stored periods only: a period
    nobody opened is not yet anyone's obligation), with their states — the Python twin of
    `arms`."""
    found: list[tuple[str, int | None, str | None, int, date | None, date | None]] = []
    acceptance: dict[tuple[str, int | None], Acceptance] = {}  # issue 16
    if is_one_off(task.cadence):
        acceptance[(TASK, None)] = Acceptance.of(task)
        found.append(
            (
                TASK,
                None,
                None,
                task.lead_agency_id,
                task_due_on_as_of(task, as_of, history),
                task.done_on,
            )
        )
    else:
        for period in task.periods:  # type: ignore[attr-defined]  (backref)
            if period_has_begun(period, as_of):
                acceptance[(PERIOD, period.id)] = Acceptance.of(period)
                found.append(
                    (
                        PERIOD,
                        period.id,
                        period.label,
                        task.lead_agency_id,
                        period_due_on_as_of(period, as_of, history),
                        period.done_on,
                    )
                )
    if has_via_item(task):
        found.append(
            (VIA, None, None, answerable_agency_id(VIA, task), task.via_due_on, task.via_done_on)
        )
    return [
        Obligation(
            kind=kind,
            task_id=task.id,
            period_id=period_id,
            period_label=label,
            agency_id=agency_id,
            due_on=due,
            done_on=done_on,
            cancelled_on=task.cancelled_on,
            status=status_as_of(
                as_of,
                due_on=due,
                done_on=done_on,
                cancelled_on=task.cancelled_on,
                **acceptance.get((kind, period_id), NOT_ACCEPTED).kwargs(),
            ),
            acceptance=acceptance.get((kind, period_id), NOT_ACCEPTED),
        )
        for kind, period_id, label, agency_id, due, done_on in found
    ]


@dataclass(frozen=True)
class Acceptance:
    """An obligation's acceptance dates (issue 16): reported done (awaiting the office),
    accepted, and marked "do nguyên nhân khách quan". A via item has none."""

    submitted_on: date | None = None
    accepted_on: date | None = None
    excused_on: date | None = None

    @classmethod
    def of(cls, row: Any) -> Acceptance:
        return cls(row.submitted_on, row.accepted_on, row.excused_on)

    def kwargs(self) -> dict[str, date | None]:
        """What `status_as_of` and its siblings take."""
        return {"submitted_on": self.submitted_on, "accepted_on": self.accepted_on}


NOT_ACCEPTED = Acceptance()


# -- a task's own line: its worst open obligation -----------------------------------------

#: the order in which a recurring task's line picks the state of its periods
WORST_FIRST = (
    Status.OPEN_OVERDUE,
    Status.OPEN_ON_TIME,
    Status.AWAITING_ACCEPTANCE,
    Status.NO_DEADLINE,
    Status.DONE_LATE,
    Status.DONE_ON_TIME,
    Status.CANCELLED,
)


def task_line_status(own: Status, cadence: str | None, period_states: Iterable[Status]) -> Status:
    """The state a task's own line shows (lists, the task page, the directive page).

    A one-off task shows its own state. A recurring task that is still open shows its worst
    open period ("đang thực hiện quá hạn" while one period is overdue), or its own state when
    no period is open; a finished or cancelled one shows that.
    """
    if is_one_off(cadence) or own not in OPEN_STATES:
        return own
    worst = worst_open(period_states, lambda s: s)
    return worst if worst is not None else own


def worst_open(items: Iterable[T], status_of: Callable[[T], Status]) -> T | None:
    """The item (a period) a recurring task's line shows: the worst of the open ones
    (`WORST_FIRST`), the first in the given order (by due date) among equals; None if none is
    open."""
    open_items = [i for i in items if status_of(i) in OPEN_STATES]
    return min(open_items, key=lambda i: WORST_FIRST.index(status_of(i)), default=None)


@dataclass(frozen=True)
class Line:
    """A task's line in a list: the state it shows and its obligations with their states."""

    status: Status
    obligations: list[Any]


def task_lines(tasks: Iterable[Task], as_of: date) -> dict[int, Line]:
    """The line of each task (today's lists: the page's 25 tasks), in one statement: every
    obligation of these tasks with its state, from `arms` and `status_as_of_sql`."""
    tasks = list(tasks)
    if not tasks:
        return {}
    ids = [t.id for t in tasks]
    parts = []
    for arm in arms(as_of):
        parts.append(
            rows_sql(
                arm,
                status_as_of_sql(as_of, **arm.status_kwargs()).label("status"),
                where=[Task.id.in_(ids)],
            )
        )
    union = union_all(*parts).subquery()
    found: dict[int, list[Any]] = {i: [] for i in ids}
    for row in db.session.execute(select(union).order_by(union.c.due_on, union.c.period_id)):
        found[row.task_id].append(row)
    lines = {}
    for task in tasks:
        own = status_as_of(
            as_of,
            due_on=task.due_on,
            done_on=task.done_on,
            cancelled_on=task.cancelled_on,
            **Acceptance.of(task).kwargs(),
        )
        rows = found[task.id]
        periods = [Status(r.status) for r in rows if r.kind == PERIOD]
        lines[task.id] = Line(task_line_status(own, task.cadence, periods), rows)
    return lines
