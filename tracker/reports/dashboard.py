"""The home dashboards: the office's (every task) and an agency's (its own tasks).

Both are the same queries under a different visibility clause (`task_visibility`), so an agency
officer can never see another agency's numbers. What they count and list are *obligations*
(`tracker.deadlines.obligations`): a one-off task's deadline, each begun reporting period of a
recurring task, a via agency's own deadline — each row says which. Counts are grouped in SQL,
one UNION ALL of a row per kind of obligation; the lists are bounded; the overdue export streams one
UNION ALL. Today's state uses the current due dates (approved extensions applied), as the task
list does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, String, func, literal, select, union_all
from sqlalchemy.orm import aliased

from tracker.agencies.models import Agency
from tracker.deadlines import obligations as ob
from tracker.deadlines.models import ExtensionRequest, ExtensionState
from tracker.deadlines.status import (
    DUE_SOON_DAYS,
    OPEN_STATES,
    Status,
    is_due_soon_sql,
    is_overdue_sql,
    status_is_sql,
)
from tracker.directives.models import Directive, DirectiveKind
from tracker.extensions import db
from tracker.i18n import parse_date
from tracker.reports.queries import names_list
from tracker.tasks.models import Task, task_co_agency
from tracker.tasks.queries import obligation_filter
from tracker.tasks.search import task_search

#: the tiles of the dashboard, in order
TILES = [
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.OPEN_ON_TIME,
    Status.OPEN_OVERDUE,
    Status.NO_DEADLINE,
]
LIST_LIMIT = 200
#: overdue tasks shown under each agency (its oldest), for the agencies with the most; the
#: export has them all (140 agencies × a list each weighed 300 KB of HTML at 100k tasks)
PER_AGENCY = 5
AGENCIES_WITH_TASKS = 10
#: tasks due within DUE_SOON_DAYS listed on the dashboard (the task list has the rest)
DUE_SOON_LIMIT = 20


@dataclass
class Filters:
    """The dashboard's filters, parsed from the query string; ``errors`` explain what was
    ignored (a date that is not a date) while the rest still applies."""

    agency_id: int | None = None
    directive_id: int | None = None
    issuer: str = ""
    kind: str = ""
    due_from: date | None = None
    due_to: date | None = None
    status: str = ""
    q: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, *, allow_agency: bool = True) -> Filters:
        f = cls()

        def as_int(name: str) -> int | None:
            value = args.get(name, "").strip()
            if not value:
                return None
            if not value.isdigit():
                f.errors.append(_("Giá trị lọc “%(value)s” không hợp lệ, đã bỏ qua.", value=value))
                return None
            return int(value)

        f.agency_id = as_int("agency") if allow_agency else None
        f.directive_id = as_int("directive")
        f.issuer = args.get("issuer", "").strip()
        kind = args.get("kind", "").strip()
        f.kind = kind if kind in {k.value for k in DirectiveKind} else ""
        for name, label in (("due_from", _("Thời hạn từ")), ("due_to", _("Thời hạn đến"))):
            text = args.get(name, "")
            try:
                setattr(f, name, parse_date(text))
            except ValueError:
                f.errors.append(
                    _(
                        "%(label)s: “%(text)s” không phải ngày (dd/mm/yyyy), đã bỏ qua.",
                        label=label,
                        text=text,
                    )
                )
        if f.due_from and f.due_to and f.due_to < f.due_from:
            f.errors.append(_("Khoảng thời hạn không hợp lệ (ngày đến trước ngày từ), đã bỏ qua."))
            f.due_from = f.due_to = None
        status = args.get("status", "").strip()
        f.status = status if status in {s.value for s in Status} | {"open"} else ""
        f.q = args.get("q", "").strip()
        return f

    def task_list_args(self) -> dict[str, Any]:
        """The filters the task list (/tasks) understands, to keep in its links."""
        args: dict[str, Any] = {}
        if self.agency_id:
            args["agency"] = self.agency_id
        if self.directive_id:
            args["directive"] = self.directive_id
        if self.q:
            args["q"] = self.q
        if self.issuer:
            args["issuer"] = self.issuer
        if self.kind:
            args["kind"] = self.kind
        if self.due_from:
            args["due_from"] = self.due_from.isoformat()
        if self.due_to:
            args["due_to"] = self.due_to.isoformat()
        return args

    def keep_known(self, choices: dict[str, Any]) -> None:
        """Drop an issuer or an agency the filter form cannot show (a stale link, a typo), with
        a warning: applied silently they would empty the page while the form said "all"."""
        if self.issuer and self.issuer not in choices["issuers"]:
            self.errors.append(
                _("Người ban hành “%(value)s” không có, đã bỏ qua.", value=self.issuer)
            )
            self.issuer = ""
        if self.agency_id and db.session.get(Agency, self.agency_id) is None:
            self.errors.append(
                _("Cơ quan, đơn vị số %(value)s không có, đã bỏ qua.", value=self.agency_id)
            )
            self.agency_id = None

    def admits(self, status: str) -> bool:
        """Whether the status filter lets tasks of `status` through. A tile it shuts out counts
        0 and opens no list: its link would list tasks the dashboard did not count."""
        if not self.status or self.status == status:
            return True
        return self.status == "open" and Status(status) in OPEN_STATES

    def query_args(self, *, without: str = "") -> dict[str, str]:
        """Every active filter as query arguments (for the export links), but `without`."""
        pairs = {
            "agency": self.agency_id,
            "directive": self.directive_id,
            "issuer": self.issuer,
            "kind": self.kind,
            "due_from": self.due_from.isoformat() if self.due_from else None,
            "due_to": self.due_to.isoformat() if self.due_to else None,
            "status": self.status,
            "q": self.q,
        }
        return {k: str(v) for k, v in pairs.items() if v and k != without}


def task_conditions(visibility: ColumnElement[bool], f: Filters) -> list:
    """The filters that read the task and its directive (shared by every kind of obligation)."""
    where = [visibility]
    if f.agency_id:
        where.append(ob.involves_agency_sql(f.agency_id))
    if f.directive_id:
        where.append(Task.directive_id == f.directive_id)
    if f.issuer:
        where.append(Directive.issuer == f.issuer)
    if f.kind:
        where.append(Directive.kind == f.kind)
    if f.q:
        # the task list's search (every word, in any order), so a tile's count is its list's
        where.append(task_search(f.q))
    return where


def obligation_conditions(arm: ob.Arm, f: Filters, as_of: date) -> list:
    """The filters that read the obligation itself: its due date and its state."""
    return obligation_filter(arm, as_of, status=f.status, due_from=f.due_from, due_to=f.due_to)


def needs_directive(f: Filters) -> bool:
    """Whether the filters read the directive's columns (else the counts skip that join: at 1M
    tasks, joining every task to its directive only to count them costs more than the count)."""
    return bool(f.issuer or f.kind)  # the search (f.q) reads directive ids, not a join


def _from_arm(arm: ob.Arm, f: Filters, *columns) -> Select:
    stmt = arm.select(*columns)
    if needs_directive(f):
        stmt = stmt.join(Directive, Directive.id == Task.directive_id)
    return stmt


def _where(arm: ob.Arm, visibility: ColumnElement[bool], f: Filters, as_of: date) -> list:
    return [*task_conditions(visibility, f), *obligation_conditions(arm, f, as_of)]


def _rows(
    arm: ob.Arm, visibility, f: Filters, as_of: date, *extra, order, limit: int | None
) -> Select:
    """A bounded list of one kind of obligation with what a row shows: the task's content, its
    directive's id (the number is added by `_with_directive_numbers`: joining every task to its
    directive before the LIMIT made PostgreSQL hash the whole directive table, 100 ms at 1M
    tasks) and the name of the agency it is answerable to."""
    stmt = (
        _from_arm(
            arm,
            f,
            literal(arm.kind, String).label("kind"),
            Task.id.label("id"),
            Task.content,
            arm.period_id.label("period_id"),
            arm.label.label("period_label"),
            arm.due_on.label("due_on"),
            arm.done_on.label("done_on"),
            arm.agency_id.label("agency_id"),
            Task.directive_id,
            Agency.name.label("lead_agency"),
        )
        .join(Agency, Agency.id == arm.agency_id)
        .where(*_where(arm, visibility, f, as_of), *extra)
        .order_by(*order)
    )
    return stmt.limit(limit) if limit else stmt


def _first(stmts: list[Select], key, limit: int) -> list:
    """The first ``limit`` rows of several bounded lists, merged in ``key`` order, in one
    statement (each part keeps its own ORDER BY … LIMIT, which its index serves)."""
    parts = [stmt.subquery() for stmt in stmts]
    if not parts:
        return []
    union = union_all(*(select(part) for part in parts)) if len(parts) > 1 else select(parts[0])
    return sorted(db.session.execute(union).all(), key=key)[:limit]


def _with_directive_numbers(*lists: list) -> list[list[dict[str, Any]]]:
    """The rows of each list as dicts, with their directive's number, read in one statement."""
    ids = {row.directive_id for rows in lists for row in rows}
    numbers = dict(
        db.session.execute(
            select(Directive.id, Directive.number).where(Directive.id.in_(ids))
        ).all()
        if ids
        else []
    )
    return [
        [
            {
                **row._asdict(),
                "directive": numbers.get(row.directive_id, ""),
                "obligation": obligation_label(row.kind, row.period_label),
            }
            for row in rows
        ]
        for rows in lists
    ]


def obligation_label(kind: str, period_label: str | None, via_agency: str | None = None) -> str:
    """Which obligation a row is: "" for a task's own deadline, else "Báo cáo tháng 7/2025" or
    "Báo cáo tổng hợp" (the via agency's own deadline, naming that agency when given)."""
    if kind == ob.PERIOD:
        label = period_label or ""
        # "Quý III/2025" → "Báo cáo quý III/2025": only the first letter is lowered
        return _("Báo cáo %(period)s", period=label[:1].lower() + label[1:])
    if kind == ob.VIA:
        if via_agency:
            return _("Báo cáo tổng hợp của %(agency)s", agency=via_agency)
        return _("Báo cáo tổng hợp")
    return ""


def extensions_url() -> str:
    """The office's page of extension requests waiting for a decision."""
    return url_for("deadlines.extensions")


def status_counts(visibility: ColumnElement[bool], f: Filters, as_of: date) -> dict[str, int]:
    """How many obligations are in each state: one filtered count per state and kind of
    obligation, the kinds' rows in one UNION ALL.

    The conditions are `status_is_sql`'s (mutually exclusive), so a count never disagrees with
    the list its tile opens. For tasks, only the columns of the covering index
    `ix_task_done_due_cancelled` are read: the office's unfiltered counts are an index-only scan.
    """
    codes = [s.value for s in Status]
    totals = dict.fromkeys(codes, 0)
    per_arm = [
        _from_arm(
            arm,
            f,
            *(
                func.count().filter(status_is_sql(code, as_of, **arm.status_kwargs())).label(code)
                for code in codes
            ),
        ).where(*_where(arm, visibility, f, as_of))
        for arm in ob.arms(as_of)
    ]
    # one statement, one row per kind: each part keeps its own plan (and index), and the page
    # waits for one round trip instead of three on a loaded server
    for row in db.session.execute(union_all(*per_arm)).all():
        for code, n in zip(codes, row, strict=True):
            totals[code] += n
    return totals


def oldest_overdue(
    visibility: ColumnElement[bool], f: Filters, as_of: date, *, limit: int
) -> list[dict[str, Any]]:
    """The ``limit`` obligations overdue the longest (every kind), as dashboard rows."""
    rows = _first(
        [
            _rows(
                arm,
                visibility,
                f,
                as_of,
                is_overdue_sql(as_of, **arm.status_kwargs()),
                order=(arm.due_on, Task.id),
                limit=limit,
            )
            for arm in ob.arms(as_of)
        ],
        key=lambda r: (r.due_on, r.id, r.period_id or 0),
        limit=limit,
    )
    return _with_directive_numbers(rows)[0]


def count_obligations(visibility: ColumnElement[bool], f: Filters, as_of: date) -> int:
    """How many obligations pass every filter — the number on the tile that opened the list."""
    counts = status_counts(visibility, f, as_of)
    if f.status == "open":
        return sum(counts[s.value] for s in OPEN_STATES)
    if f.status:
        return counts[f.status]
    return sum(counts.values())


def obligation_matcher(f: Filters, as_of: date):
    """Whether a row of `obligations.task_lines` passes the state and due-date filters (the
    Python twin of `obligation_conditions`, for naming a listed task's matching obligations)."""

    def matches_filter(row) -> bool:
        if f.due_from and (row.due_on is None or row.due_on < f.due_from):
            return False
        if f.due_to and (row.due_on is None or row.due_on > f.due_to):
            return False
        if f.status == "open":
            return Status(row.status) in OPEN_STATES
        return not f.status or row.status == f.status

    return matches_filter


def build_dashboard(visibility: ColumnElement[bool], f: Filters, as_of: date) -> dict[str, Any]:
    """Everything the dashboard shows, in a handful of grouped or bounded queries."""
    counts = status_counts(visibility, f, as_of)
    arms = ob.arms(as_of)

    # each arm's overdue clause is built once and reused by its ~12 statements (building SQL
    # expressions is a visible part of the page's time)
    overdue_of = {arm.kind: is_overdue_sql(as_of, **arm.status_kwargs()) for arm in arms}

    def overdue(arm: ob.Arm) -> ColumnElement[bool]:
        return overdue_of[arm.kind]

    per_arm = [
        _from_arm(
            arm,
            f,
            arm.agency_id.label("agency_id"),
            func.count().label("count"),
            func.min(arm.due_on).label("oldest_due"),
        )
        .where(*_where(arm, visibility, f, as_of), overdue(arm))
        .group_by(arm.agency_id)
        for arm in arms
    ]
    per_agency = union_all(*per_arm).subquery()
    by_agency = db.session.execute(
        select(
            Agency.id,
            Agency.name,
            func.sum(per_agency.c.count).label("count"),
            func.min(per_agency.c.oldest_due).label("oldest_due"),
        )
        .join(per_agency, per_agency.c.agency_id == Agency.id)
        .group_by(Agency.id, Agency.name)
        .order_by(func.sum(per_agency.c.count).desc(), Agency.name)
    ).all()
    # each agency's oldest overdue obligations (a page of 200 rows in agency-name order used to
    # fill only the first few agencies): one small ordered LIMIT per agency and kind, which the
    # (agency, due) indexes on open tasks and open periods serve directly
    listed = [a.id for a in by_agency[:AGENCIES_WITH_TASKS]]
    overdue_rows = _first(
        [
            _rows(
                arm,
                visibility,
                f,
                as_of,
                overdue(arm),
                arm.agency_id == agency_id,
                order=(arm.due_on, Task.id),
                limit=PER_AGENCY,
            )
            for agency_id in listed
            for arm in arms
        ],
        key=lambda r: (r.due_on, r.id, r.period_id or 0),
        limit=len(listed) * len(arms) * PER_AGENCY,
    )
    due_soon = _first(
        [
            _rows(
                arm,
                visibility,
                f,
                as_of,
                is_due_soon_sql(as_of, **arm.status_kwargs(), days=DUE_SOON_DAYS),
                order=(arm.due_on, Task.id),
                limit=DUE_SOON_LIMIT + 1,
            )
            for arm in arms
        ],
        key=lambda r: (r.due_on, r.id, r.period_id or 0),
        limit=DUE_SOON_LIMIT + 1,
    )
    # what was completed last: tasks (a submitted period shows on its task's page)
    recent = db.session.execute(
        _rows(
            arms[0],
            visibility,
            f,
            as_of,
            arms[0].done_on.is_not(None),
            arms[0].done_on <= as_of,
            arms[0].cancelled_on.is_(None),
            order=(arms[0].done_on.desc(), Task.id.desc()),
            limit=10,
        )
    ).all()
    tasks = select(Task.id).select_from(Task)
    if needs_directive(f):
        tasks = tasks.join(Directive, Directive.id == Task.directive_id)
    pending = db.session.execute(
        select(func.count(ExtensionRequest.id)).where(
            ExtensionRequest.state == ExtensionState.PENDING.value,
            tasks.where(
                Task.id == ExtensionRequest.task_id, *task_conditions(visibility, f)
            ).exists(),
        )
    ).scalar_one()
    overdue_rows, due_soon, recent = _with_directive_numbers(overdue_rows, due_soon, recent)
    groups: dict[int, dict[str, Any]] = {
        a.id: {
            "agency_id": a.id,
            "agency": a.name,
            "count": a.count,
            "max_days": (as_of - a.oldest_due).days,
            "tasks": [],
        }
        for a in by_agency
    }
    for row in overdue_rows:
        group = groups.get(row["agency_id"])
        if group is not None and len(group["tasks"]) < PER_AGENCY:
            group["tasks"].append({**row, "days_overdue": (as_of - row["due_on"]).days})
    total = sum(a.count for a in by_agency)
    return {
        "as_of": as_of,
        "tiles": [(s, counts.get(s.value, 0)) for s in TILES],
        "cancelled": counts.get(Status.CANCELLED.value, 0),
        "overdue_groups": list(groups.values()),
        "overdue_total": total,
        "overdue_truncated": sum(len(g["tasks"]) for g in groups.values()) < total,
        "per_agency": PER_AGENCY,
        "due_soon": due_soon[:DUE_SOON_LIMIT],
        "due_soon_more": len(due_soon) > DUE_SOON_LIMIT,
        "recent": recent,
        "pending_extensions": pending,
        "extensions_url": extensions_url(),
    }


def filter_choices(visibility: ColumnElement[bool], *, with_agencies: bool) -> dict[str, Any]:
    """Agencies and issuers for the filter selects (small queries).

    Directives are not listed: a province issues thousands a year (57k options weighed 360 KB
    per page at 1M tasks). The dashboard finds them by number through the search box, and a
    directive chosen elsewhere (`?directive=ID`, from a directive's page) is shown as a chip.
    Issuers are the few leaders and steering committees who sign; they are public, so every
    role gets the same short list.
    """
    agencies = []
    if with_agencies:
        agencies = db.session.execute(
            select(Agency.id, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
        ).all()
    issuers = db.session.scalars(
        select(Directive.issuer).where(Directive.issuer != "").distinct().order_by(Directive.issuer)
    ).all()
    return {
        "agencies": agencies,
        "issuers": [i for i in issuers if i],
        "kinds": [k.value for k in DirectiveKind],
    }


def chosen_directive(directive_id: int | None, visibility: ColumnElement[bool]) -> Directive | None:
    """The directive of a `?directive=ID` filter, to name it on the page.

    Only a directive with a task the user may see is named: otherwise an agency officer could
    read every directive's number by counting up the id (issue 14).
    """
    if not directive_id:
        return None
    visible = select(Task.id).where(Task.directive_id == directive_id, visibility).exists()
    return db.session.execute(
        select(Directive).where(Directive.id == directive_id, visible)
    ).scalar_one_or_none()


def overdue_records(
    visibility: ColumnElement[bool], f: Filters, as_of: date
) -> Iterator[dict[str, Any]]:
    """Every overdue obligation (filters applied) — one-off tasks, reporting periods and via
    agencies' own deadlines — streamed from one UNION ALL, by the agency it is answerable to
    (the lead, or the via agency for its own deadline), then due date. Each row names its
    obligation ("Báo cáo quý III/2025"); the lead agency column stays the task's lead."""
    answerable = aliased(Agency)
    parts = []
    for arm in ob.arms(as_of):
        parts.append(
            arm.select(
                literal(arm.kind, String).label("kind"),
                Task.id.label("task_id"),
                Task.content,
                arm.label.label("period_label"),
                arm.due_on.label("due_on"),
                Directive.number.label("directive"),
                Directive.issued_on.label("directive_issued_on"),
                Agency.name.label("lead_agency"),
                arm.period_id.label("period_id"),
                answerable.name.label("agency"),
            )
            .join(Directive, Directive.id == Task.directive_id)
            .join(Agency, Agency.id == Task.lead_agency_id)
            .join(answerable, answerable.id == arm.agency_id)
            .where(*_where(arm, visibility, f, as_of), is_overdue_sql(as_of, **arm.status_kwargs()))
        )
    union = union_all(*parts).subquery()
    # each row's co-agencies by one index lookup on its task: joined to the grouped names of
    # every task (`co_agency_names`), each arm aggregated all 115k co-agency rows (issue 12)
    co_agency = aliased(Agency)
    co_names = (
        select(names_list(co_agency.name))
        .select_from(task_co_agency)
        .join(co_agency, co_agency.id == task_co_agency.c.agency_id)
        .where(task_co_agency.c.task_id == union.c.task_id)
        .scalar_subquery()
    )
    stmt = (
        select(union, co_names.label("co_agencies"))
        .order_by(union.c.agency, union.c.due_on, union.c.task_id, union.c.period_id)
        .execution_options(yield_per=500)
    )
    for number, row in enumerate(db.session.execute(stmt), start=1):
        yield {
            **row._asdict(),
            "stt": number,
            "obligation": obligation_label(row.kind, row.period_label, row.agency),
            "co_agencies": row.co_agencies or "",
            "days_overdue": (as_of - row.due_on).days,
        }
