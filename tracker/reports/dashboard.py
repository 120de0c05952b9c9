"""The home dashboards: the office's (every task) and an agency's (its own tasks).

Both are the same queries under a different visibility clause (`task_visibility`), so an agency
officer can never see another agency's numbers. Counts are grouped in SQL; the lists are
bounded; the overdue export streams one joined query. Today's state uses the task's current
due date (approved extensions applied), as the task list does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, select, union_all

from tracker.agencies.models import Agency
from tracker.deadlines.models import ExtensionRequest, ExtensionState
from tracker.deadlines.status import Status
from tracker.directives.models import Directive, DirectiveKind
from tracker.extensions import db
from tracker.i18n import parse_date
from tracker.reports.queries import co_agency_names
from tracker.search import matches
from tracker.tasks.models import Task
from tracker.tasks.queries import (
    involving_agency,
    open_condition,
    status_condition,
)

#: the tiles of the dashboard, in order
TILES = [
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.OPEN_ON_TIME,
    Status.OPEN_OVERDUE,
    Status.NO_DEADLINE,
]
#: the states `status=open` keeps (`open_condition`)
OPEN_STATES = frozenset(
    {Status.OPEN_ON_TIME.value, Status.OPEN_OVERDUE.value, Status.NO_DEADLINE.value}
)
DUE_SOON_DAYS = 7
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
        return self.status == "open" and status in OPEN_STATES

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


def _conditions(visibility: ColumnElement[bool], f: Filters, as_of: date) -> list:
    where = [visibility]
    if f.agency_id:
        where.append(involving_agency(f.agency_id))
    if f.directive_id:
        where.append(Task.directive_id == f.directive_id)
    if f.issuer:
        where.append(Directive.issuer == f.issuer)
    if f.kind:
        where.append(Directive.kind == f.kind)
    if f.due_from:
        where.append(Task.due_on >= f.due_from)
    if f.due_to:
        where.append(Task.due_on <= f.due_to)
    if f.status == "open":
        where.append(open_condition(as_of))
    elif f.status:
        where.append(status_condition(f.status, as_of))
    if f.q:
        # the task list's search (every word, in any order), so a tile's count is its list's
        where.append(matches(f.q, Task.search_text, Directive.search_text))
    return where


def _needs_directive(f: Filters) -> bool:
    """Whether the filters read the directive's columns (else the counts skip that join: at 1M
    tasks, joining every task to its directive only to count them costs more than the count)."""
    return bool(f.issuer or f.kind or f.q)


def _tasks_from(stmt: Select, f: Filters) -> Select:
    stmt = stmt.select_from(Task)
    if _needs_directive(f):
        stmt = stmt.join(Directive, Directive.id == Task.directive_id)
    return stmt


def _task_rows(where: list, f: Filters, *extra, order, limit: int | None = LIST_LIMIT) -> Select:
    """A bounded list of tasks with their lead agency's name (the directive's number is added
    by `_with_directive_numbers`: joining every task to its directive before the LIMIT made
    PostgreSQL hash the whole directive table, 100 ms at 1M tasks)."""
    columns = [
        Task.id,
        Task.content,
        Task.due_on,
        Task.done_on,
        Task.lead_agency_id,
        Task.directive_id,
        Agency.name.label("lead_agency"),
    ]
    stmt = (
        _tasks_from(select(*columns), f)
        .join(Agency, Agency.id == Task.lead_agency_id)
        .where(*where, *extra)
        .order_by(*order)
    )
    return stmt.limit(limit) if limit else stmt


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
        [{**row._asdict(), "directive": numbers.get(row.directive_id, "")} for row in rows]
        for rows in lists
    ]


def extensions_url() -> str:
    """The office's page of extension requests waiting for a decision."""
    return url_for("deadlines.extensions")


def status_counts(where: list, f: Filters, as_of: date) -> dict[str, int]:
    """How many tasks are in each state, in one pass: one filtered count per state.

    The conditions are `status_condition`'s (mutually exclusive, the CASE of
    `status_expression` written per state), so a count never disagrees with the list its tile
    opens. Only the columns of the covering index `ix_task_done_due_cancelled` are read: the
    office's unfiltered counts are an index-only scan, not a pass over every task's text.
    """
    codes = [s.value for s in Status]
    row = db.session.execute(
        _tasks_from(
            select(*(func.count().filter(status_condition(code, as_of)) for code in codes)), f
        ).where(*where)
    ).one()
    return dict(zip(codes, row, strict=True))


def build_dashboard(visibility: ColumnElement[bool], f: Filters, as_of: date) -> dict[str, Any]:
    """Everything the dashboard shows, in a handful of grouped or bounded queries."""
    where = _conditions(visibility, f, as_of)
    counts = status_counts(where, f, as_of)
    overdue = status_condition(Status.OPEN_OVERDUE.value, as_of)
    per_agency = (
        _tasks_from(
            select(
                Task.lead_agency_id.label("agency_id"),
                func.count().label("count"),
                func.min(Task.due_on).label("oldest_due"),
            ),
            f,
        )
        .where(*where, overdue)
        .group_by(Task.lead_agency_id)
        .subquery()
    )
    by_agency = db.session.execute(
        select(Agency.id, Agency.name, per_agency.c.count, per_agency.c.oldest_due)
        .join(per_agency, per_agency.c.agency_id == Agency.id)
        .order_by(per_agency.c.count.desc(), Agency.name)
    ).all()
    # each agency's oldest overdue tasks (a page of 200 rows in agency-name order used to fill
    # only the first few agencies, and weighed 60 KB of HTML): one small ordered LIMIT per
    # agency, which the (lead, due) index on open tasks serves directly — ranking every overdue
    # task of ten agencies with row_number() read 60k rows at 1M tasks
    listed = [a.id for a in by_agency[:AGENCIES_WITH_TASKS]]
    parts = [
        _task_rows(
            where,
            f,
            overdue,
            Task.lead_agency_id == agency_id,
            order=(Task.due_on, Task.id),
            limit=PER_AGENCY,
        ).subquery()
        for agency_id in listed
    ]
    overdue_rows = []
    if parts:
        stmt = union_all(*(select(part) for part in parts)) if len(parts) > 1 else select(parts[0])
        overdue_rows = sorted(db.session.execute(stmt).all(), key=lambda r: (r.due_on, r.id))
    due_soon = db.session.execute(
        _task_rows(
            where,
            f,
            open_condition(as_of),
            Task.due_on >= as_of,
            Task.due_on <= as_of + timedelta(days=DUE_SOON_DAYS),
            order=(Task.due_on, Task.id),
            limit=DUE_SOON_LIMIT + 1,
        )
    ).all()
    recent = db.session.execute(
        _task_rows(
            where,
            f,
            Task.done_on.is_not(None),
            Task.done_on <= as_of,
            Task.cancelled_on.is_(None),
            order=(Task.done_on.desc(), Task.id.desc()),
            limit=10,
        )
    ).all()
    pending = db.session.execute(
        select(func.count(ExtensionRequest.id)).where(
            ExtensionRequest.state == ExtensionState.PENDING.value,
            _tasks_from(select(Task.id), f)
            .where(Task.id == ExtensionRequest.task_id, *where)
            .exists(),
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
        if row["lead_agency_id"] in groups:
            groups[row["lead_agency_id"]]["tasks"].append(
                {**row, "days_overdue": (as_of - row["due_on"]).days}
            )
    return {
        "as_of": as_of,
        "tiles": [(s, counts.get(s.value, 0)) for s in TILES],
        "cancelled": counts.get(Status.CANCELLED.value, 0),
        "overdue_groups": list(groups.values()),
        "overdue_total": sum(a.count for a in by_agency),
        "overdue_truncated": len(overdue_rows) < sum(a.count for a in by_agency),
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
    """Every overdue task (filters applied), streamed from one joined query."""
    co = co_agency_names()
    stmt = (
        select(
            Task.id.label("task_id"),
            Task.content,
            Task.due_on,
            Directive.number.label("directive"),
            Directive.issued_on.label("directive_issued_on"),
            Agency.name.label("lead_agency"),
            co.c.names.label("co_agencies"),
        )
        .join(Directive, Directive.id == Task.directive_id)
        .join(Agency, Agency.id == Task.lead_agency_id)
        .outerjoin(co, co.c.task_id == Task.id)
        .where(*_conditions(visibility, f, as_of), status_condition("open_overdue", as_of))
        .order_by(Agency.name, Task.due_on, Task.id)
        .execution_options(yield_per=500)
    )
    for number, row in enumerate(db.session.execute(stmt), start=1):
        yield {
            **row._asdict(),
            "stt": number,
            "co_agencies": row.co_agencies or "",
            "days_overdue": (as_of - row.due_on).days,
        }
