"""The SQL behind the reports: what "belongs" to a period and how it is counted.

Everything is counted by the database (one UNION ALL of the report's items, then GROUP BY with
``SUM(CASE …)``, which SQLite and PostgreSQL both run); no task is loaded into Python to be
classified. The rules, chosen to match how the Government Office counts and to be reproducible
for any past day ``D`` (the "as of" date):

* **Items of a period** ``[S, E]`` (the range of ``report_period``):

  - a one-off task (cadence ``none``) whose *due date in force on D* falls in ``[S, E]``;
  - a reporting period (``ReportingPeriod``) of a recurring task whose due date in force on D
    falls in ``[S, E]``; each such period counts as one item, so a monthly task contributes up
    to three items to a quarter. The recurring task itself is not counted again.

  The due date in force on D is the ``approved_due_on`` of the approved extension decided last
  on or before D (for a period: an extension of that period), else the original due date —
  ``tracker.deadlines.status.due_on_as_of`` written as a correlated subquery. Extensions
  decided after D, completions after D and cancellations after D are ignored, and a task whose
  directive was issued after D did not exist yet.
* **States** (at the end of D, same rules as ``status_as_of``): cancelled (dừng/hủy on or before
  D, unless completed before it) — shown apart and left out of every other count and rate;
  completed on time (``done_on <= due``; done on the due date is on time), completed late;
  still open within the deadline (``due >= D``), open overdue (``due < D``).
* **Rates** are taken over the items *already due* (``settled``): completed by D (whenever their
  deadline) or overdue on D — i.e. every item except those still open within their deadline.
  Completion rate = completed / due; on-time rate = completed on time / due: a late completion
  counts as completed but not on time.
* **Overdue more than 30 / 120 days**: items still open on D with ``D − due > 30`` (``> 120``).
* **Extended**: items with at least one approved extension decided on or before D.
* **Undated tasks without a report for 3 months** (a snapshot on D, not tied to the period):
  open one-off tasks with no due date in force, assigned (directive issued) at least three months
  before D, with no progress update in the three months up to D.
* **Agency**: the lead agency (chủ trì). An agency merged into another (``merged_into_id``,
  followed to the end of the chain) is counted under its successor; see ``agency_groups``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from tracker.agencies.models import Agency
from tracker.deadlines.models import ExtensionRequest, ExtensionState, ReportingPeriod
from tracker.deadlines.obligations import approved_extensions_sql
from tracker.deadlines.status import (
    Status,
    due_on_as_of_sql,
    is_excused_sql,
    is_one_off_sql,
    is_open_sql,
    latest_extension_sql,
    status_is_sql,
)
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.sql import in_ids
from tracker.tasks.models import ProgressUpdate, Task, task_co_agency
from tracker.timeutil import zone

#: months without a progress update after which an undated task is singled out
STALE_MONTHS = 3

#: the counted metrics, in the order of the report's columns
METRICS = (
    "total",
    "done_on_time",
    "done_late",
    "open_on_time",
    "open_overdue",
    "settled",
    "extended",
    "overdue_30",
    "overdue_120",
    "stale_undated",
    "cancelled",
)

METRIC_LABELS = {
    "total": _l("Tổng số nhiệm vụ trong kỳ"),
    "done_on_time": _l("Hoàn thành đúng hạn"),
    "done_late": _l("Hoàn thành quá hạn"),
    "open_on_time": _l("Đang thực hiện trong hạn"),
    "open_overdue": _l("Đang thực hiện quá hạn"),
    "settled": _l("Đã đến hạn (tính tỷ lệ)"),
    "extended": _l("Được gia hạn"),
    "overdue_30": _l("Quá hạn trên 30 ngày"),
    "overdue_120": _l("Quá hạn trên 120 ngày"),
    "stale_undated": _l("Không thời hạn, 3 tháng chưa báo cáo"),
    "cancelled": _l("Dừng/hủy"),
}


@dataclass(frozen=True)
class Scope:
    """A report's window: items due in ``[starts_on, ends_on]``, evaluated at the end of ``as_of``;
    optionally cut to the directives one leader signed (``issuer``) or to one directive."""

    starts_on: date
    ends_on: date
    as_of: date
    issuer: str = ""
    directive_id: int | None = None

    def cut(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses of the cut (each arm of `report_items` joins the directive)."""
        where = []
        if self.issuer:
            where.append(Directive.issuer == self.issuer)
        if self.directive_id is not None:
            where.append(Task.directive_id == self.directive_id)
        return where


def _approved_on_or_before(ext, as_of: date) -> list[ColumnElement[bool]]:
    return [
        ext.state == ExtensionState.APPROVED.value,
        ext.decided_on.is_not(None),
        ext.decided_on <= as_of,
        ext.approved_due_on.is_not(None),
    ]


def latest_extensions(as_of: date, *, periods: bool) -> Subquery:
    """The approved extension in force at the end of ``as_of`` per task (or per period):
    ``(owner_id, approved_due_on)`` — `tracker.deadlines.status.latest_extension_sql`."""
    return latest_extension_sql(as_of, approved_extensions_sql(periods=periods))


def _task_may_fall_in(scope: Scope) -> ColumnElement[bool]:
    """A superset of the one-off tasks whose due date in force on D lies in the window, written
    so an index serves it: the due date in force is the original one or the new date of an
    approved extension decided by D, so the task either has its original due date in the window
    or such an extension to a date in the window. The exact test (the due date in force, from
    `latest_extensions`, in the window) is applied on top.

    Issue 7: without it every one-off task of every year was read and classified for each
    report and each quarter of the trend (2–3 s per statement at 1M tasks).
    """
    ext = aliased(ExtensionRequest)
    extended = select(ext.task_id).where(
        ext.period_id.is_(None),
        *_approved_on_or_before(ext, scope.as_of),
        ext.approved_due_on.between(scope.starts_on, scope.ends_on),
    )
    return or_(
        Task.original_due_on.between(scope.starts_on, scope.ends_on),
        in_ids(Task.id, extended),
    )


def _period_may_fall_in(scope: Scope) -> ColumnElement[bool]:
    """As `_task_may_fall_in`, for the reporting periods of recurring tasks."""
    ext = aliased(ExtensionRequest)
    extended = select(ext.period_id).where(
        ext.period_id.is_not(None),
        *_approved_on_or_before(ext, scope.as_of),
        ext.approved_due_on.between(scope.starts_on, scope.ends_on),
    )
    return or_(
        ReportingPeriod.original_due_on.between(scope.starts_on, scope.ends_on),
        in_ids(ReportingPeriod.id, extended),
    )


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), zone()).astimezone(UTC)


def _acceptance_columns(model) -> list:
    """Acceptance (issue 16): reported, accepted, and excused ("do nguyên nhân khách quan")."""
    return [
        model.submitted_on.label("submitted_on"),
        model.accepted_on.label("accepted_on"),
        model.excused_on.label("excused_on"),
        model.excused_reason.label("excused_reason"),
    ]


def report_items(scope: Scope) -> Subquery:
    """Every item of the report as one row (see the module doc for what belongs)."""
    as_of = scope.as_of
    t_ext = latest_extensions(as_of, periods=False)
    t_due = due_on_as_of_sql(Task.original_due_on, t_ext)
    one_off = (
        select(
            literal("task", String).label("kind"),
            Task.id.label("task_id"),
            cast(null(), Integer).label("period_id"),
            cast(null(), String).label("period_label"),
            Task.lead_agency_id.label("lead_agency_id"),
            t_due.label("due_on"),
            Task.original_due_on.label("original_due_on"),
            Task.done_on.label("done_on"),
            Task.done_report_number.label("report_number"),
            Task.cancelled_on.label("cancelled_on"),
            case((t_ext.c.owner_id.is_not(None), 1), else_=0).label("extended"),
            Directive.issuer.label("issuer"),
            *_acceptance_columns(Task),
        )
        .join(Directive, Directive.id == Task.directive_id)
        .outerjoin(t_ext, t_ext.c.owner_id == Task.id)
        .where(
            _task_may_fall_in(scope),
            is_one_off_sql(Task.cadence),
            Directive.issued_on <= as_of,
            t_due >= scope.starts_on,
            t_due <= scope.ends_on,
            *scope.cut(),
        )
    )

    p_ext = latest_extensions(as_of, periods=True)
    p_due = due_on_as_of_sql(ReportingPeriod.original_due_on, p_ext)
    periods = (
        select(
            literal("period", String).label("kind"),
            Task.id.label("task_id"),
            ReportingPeriod.id.label("period_id"),
            ReportingPeriod.label.label("period_label"),
            Task.lead_agency_id.label("lead_agency_id"),
            p_due.label("due_on"),
            ReportingPeriod.original_due_on.label("original_due_on"),
            ReportingPeriod.done_on.label("done_on"),
            ReportingPeriod.report_number.label("report_number"),
            Task.cancelled_on.label("cancelled_on"),
            case((p_ext.c.owner_id.is_not(None), 1), else_=0).label("extended"),
            Directive.issuer.label("issuer"),
            *_acceptance_columns(ReportingPeriod),
        )
        .join(Task, Task.id == ReportingPeriod.task_id)
        .join(Directive, Directive.id == Task.directive_id)
        .outerjoin(p_ext, p_ext.c.owner_id == ReportingPeriod.id)
        .where(
            _period_may_fall_in(scope),
            Directive.issued_on <= as_of,
            p_due >= scope.starts_on,
            p_due <= scope.ends_on,
            *scope.cut(),
        )
    )

    stale_since = as_of - relativedelta(months=STALE_MONTHS)
    recent_update = exists().where(
        ProgressUpdate.task_id == Task.id,
        ProgressUpdate.created_at >= _local_midnight_utc(stale_since),
        ProgressUpdate.created_at < _local_midnight_utc(as_of + timedelta(days=1)),
    )
    undated_ext = aliased(ExtensionRequest)
    undated = (
        select(
            literal("undated", String).label("kind"),
            Task.id.label("task_id"),
            cast(null(), Integer).label("period_id"),
            cast(null(), String).label("period_label"),
            Task.lead_agency_id.label("lead_agency_id"),
            cast(null(), Date).label("due_on"),
            Task.original_due_on.label("original_due_on"),
            Task.done_on.label("done_on"),
            Task.done_report_number.label("report_number"),
            Task.cancelled_on.label("cancelled_on"),
            literal(0, Integer).label("extended"),
            Directive.issuer.label("issuer"),
            *_acceptance_columns(Task),
        )
        .join(Directive, Directive.id == Task.directive_id)
        .where(
            # no due date in force: none set, and no approved extension gave one by D
            Task.original_due_on.is_(None),
            is_one_off_sql(Task.cadence),
            not_(
                exists().where(
                    undated_ext.task_id == Task.id,
                    undated_ext.period_id.is_(None),
                    *_approved_on_or_before(undated_ext, as_of),
                )
            ),
            Directive.issued_on <= stale_since,
            is_open_sql(as_of, done_on=Task.done_on, cancelled_on=Task.cancelled_on),
            not_(recent_update),
            *scope.cut(),
        )
    )
    return union_all(one_off, periods, undated).subquery("items")


def metric_conditions(items: Subquery, as_of: date) -> dict[str, ColumnElement[bool]]:
    """A WHERE clause per metric over ``report_items`` (used by the counts and the drill-down)."""
    c = items.c
    # an obligation the office excused (objective cause) is left out of every count and rate
    # (issue 16); `excused_items` lists them for the report's note
    in_period = and_(c.kind != "undated", not_(is_excused_sql(as_of, c.excused_on)))
    state = {
        code: status_is_sql(
            code,
            as_of,
            due_on=c.due_on,
            done_on=c.done_on,
            cancelled_on=c.cancelled_on,
            submitted_on=c.submitted_on,
            accepted_on=c.accepted_on,
        )
        for code in Status
    }
    base = and_(in_period, not_(state[Status.CANCELLED]))
    open_overdue = and_(in_period, state[Status.OPEN_OVERDUE])
    return {
        "total": base,
        "done_on_time": and_(in_period, state[Status.DONE_ON_TIME]),
        "done_late": and_(in_period, state[Status.DONE_LATE]),
        "open_on_time": and_(in_period, state[Status.OPEN_ON_TIME]),
        "open_overdue": open_overdue,
        "settled": and_(
            in_period,
            or_(state[Status.DONE_ON_TIME], state[Status.DONE_LATE], state[Status.OPEN_OVERDUE]),
        ),
        "extended": and_(base, c.extended == 1),
        "overdue_30": and_(open_overdue, c.due_on < as_of - timedelta(days=30)),
        "overdue_120": and_(open_overdue, c.due_on < as_of - timedelta(days=120)),
        "stale_undated": and_(c.kind == "undated", not_(is_excused_sql(as_of, c.excused_on))),
        "cancelled": and_(in_period, state[Status.CANCELLED]),
    }


def excused_items(scope: Scope) -> list[Any]:
    """The obligations of the report left out as "do nguyên nhân khách quan" (issue 16): task,
    period, lead agency and the office's reason — what the report's note says."""
    items = report_items(scope)
    c = items.c
    return list(
        db.session.execute(
            select(c.task_id, c.period_label, c.lead_agency_id, c.excused_reason)
            .where(c.kind != "undated", is_excused_sql(scope.as_of, c.excused_on))
            .order_by(c.lead_agency_id, c.task_id, c.period_id)
        )
    )


def counts_by_lead_agency(scope: Scope) -> dict[int, dict[str, int]]:
    """Every metric per lead agency, in one grouped query: ``{agency_id: {metric: n}}``."""
    items = report_items(scope)
    conditions = metric_conditions(items, scope.as_of)
    stmt = select(
        items.c.lead_agency_id,
        *(func.sum(case((conditions[m], 1), else_=0)).label(m) for m in METRICS),
    ).group_by(items.c.lead_agency_id)
    return {
        row.lead_agency_id: {m: int(getattr(row, m) or 0) for m in METRICS}
        for row in db.session.execute(stmt)
    }


def counts_by_issuer(scope: Scope) -> dict[str, dict[str, int]]:
    """Every metric per issuer of the directives (the leader who signed: Chủ tịch, each Phó Chủ
    tịch, a steering committee), in one grouped query: ``{issuer: {metric: n}}``."""
    items = report_items(scope)
    conditions = metric_conditions(items, scope.as_of)
    stmt = select(
        items.c.issuer,
        *(func.sum(case((conditions[m], 1), else_=0)).label(m) for m in METRICS),
    ).group_by(items.c.issuer)
    return {
        row.issuer or "": {m: int(getattr(row, m) or 0) for m in METRICS}
        for row in db.session.execute(stmt)
    }


#: the piece of `counts_by_agency_and_piece` that holds the undated tasks without a report
UNDATED = -1


def elementary_windows(windows: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Cut overlapping windows into disjoint pieces, each wholly inside or outside every window.

    The report's period and the trend's quarters overlap (Q3 is both the report and the last
    point of the trend; a year is four quarters): counting the items once per piece, then adding
    the pieces of each window, gives every window's figures from a single pass.
    """
    cuts = sorted({s for s, _ in windows} | {e + timedelta(days=1) for _, e in windows})
    pieces = []
    for start, after in zip(cuts, cuts[1:], strict=False):
        end = after - timedelta(days=1)
        if any(s <= start and end <= e for s, e in windows):
            pieces.append((start, end))
    return pieces


def counts_by_agency_and_piece(
    as_of: date,
    pieces: list[tuple[date, date]],
    *,
    issuer: str = "",
    directive_id: int | None = None,
) -> dict[tuple[int, int | None], dict[str, int]]:
    """Every metric per (lead agency, piece), in one grouped query over the pieces' span.

    Keys are ``(agency_id, index of the piece)``; the undated tasks singled out for three
    months without a report (not tied to any period) come under the piece ``UNDATED``; items
    between two pieces (in no window) under ``None``. Issue 7:
    the period report and its four-quarter trend used to run five full report queries (each
    ~200k items at 1M tasks); one pass reads each item once.
    """
    items = report_items(Scope(pieces[0][0], pieces[-1][1], as_of, issuer, directive_id))
    conditions = metric_conditions(items, as_of)
    piece = case(
        (items.c.kind == "undated", UNDATED),
        *((items.c.due_on.between(s, e), index) for index, (s, e) in enumerate(pieces)),
        else_=None,
    ).label("piece")
    stmt = select(
        items.c.lead_agency_id,
        piece,
        *(func.sum(case((conditions[m], 1), else_=0)).label(m) for m in METRICS),
    ).group_by(items.c.lead_agency_id, piece)
    return {
        (row.lead_agency_id, row.piece): {m: int(getattr(row, m) or 0) for m in METRICS}
        for row in db.session.execute(stmt)
    }


@dataclass(frozen=True)
class AgencyGroups:
    """Agencies folded into their successors (the 2025 reorganisation)."""

    #: agency id → the id it is counted under (itself unless merged)
    successor: dict[int, int]
    names: dict[int, str]

    def members(self, agency_id: int) -> list[int]:
        """The ids counted under ``agency_id``: itself and every agency merged into it."""
        return sorted(a for a, s in self.successor.items() if s == agency_id)


def agency_groups() -> AgencyGroups:
    """Resolve ``merged_into_id`` chains (A → B → C counts under C); a cycle stops where it
    started. One query over the agency registry (a few hundred rows at most)."""
    rows = db.session.execute(select(Agency.id, Agency.name, Agency.merged_into_id)).all()
    parent = {r.id: r.merged_into_id for r in rows}
    successor = {}
    for agency_id in parent:
        current, seen = agency_id, {agency_id}
        while parent.get(current) and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        successor[agency_id] = current
    return AgencyGroups(successor=successor, names={r.id: r.name for r in rows})


def names_list(column) -> ColumnElement[str]:
    """``'A; B'`` of a grouped name column, on PostgreSQL and SQLite alike."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        return func.string_agg(column, aggregate_order_by(literal("; "), column))
    return func.group_concat(column, "; ")


def co_agency_names() -> Subquery:
    """``task_id → "Sở A; Sở B"``: the co-agencies of every task, for joined exports."""
    co = aliased(Agency)
    return (
        select(task_co_agency.c.task_id, names_list(co.name).label("names"))
        .join(co, co.id == task_co_agency.c.agency_id)
        .group_by(task_co_agency.c.task_id)
        .subquery("co_names")
    )


def detail_rows(
    scope: Scope, *, metric: str | None = None, agency_ids: list[int] | None = None
) -> Select:
    """The items behind a number (or all of them): one joined query for lists and exports."""
    items = report_items(scope)
    conditions = metric_conditions(items, scope.as_of)
    lead = aliased(Agency)
    successor = aliased(Agency)
    co = co_agency_names()
    stmt = (
        select(
            items.c.kind,
            items.c.task_id,
            items.c.period_id,
            items.c.period_label,
            items.c.due_on,
            items.c.original_due_on,
            items.c.done_on,
            items.c.report_number,
            items.c.cancelled_on,
            items.c.extended,
            items.c.lead_agency_id,
            items.c.submitted_on,
            items.c.accepted_on,
            Task.content,
            Directive.number.label("directive_number"),
            Directive.kind.label("directive_kind"),
            Directive.issued_on.label("directive_issued_on"),
            lead.name.label("lead_agency"),
            co.c.names.label("co_agencies"),
        )
        .join(Task, Task.id == items.c.task_id)
        .join(Directive, Directive.id == Task.directive_id)
        .join(lead, lead.id == items.c.lead_agency_id)
        .outerjoin(successor, successor.id == lead.merged_into_id)
        .outerjoin(co, co.c.task_id == items.c.task_id)
    )
    if metric is None:
        # the appendix: every item of the period, cancelled ones included (shown as such)
        stmt = stmt.where(
            or_(conditions["total"], conditions["cancelled"], conditions["stale_undated"])
        )
    else:
        stmt = stmt.where(conditions[metric])
    if agency_ids is not None:
        stmt = stmt.where(items.c.lead_agency_id.in_(agency_ids))
    return stmt.order_by(
        func.coalesce(successor.name, lead.name),
        items.c.due_on.is_(None),
        items.c.due_on,
        items.c.task_id,
        items.c.period_id,
    )
