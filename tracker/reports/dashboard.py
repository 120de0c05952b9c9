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
from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from tracker.agencies.models import Agency
from tracker.deadlines.models import ExtensionRequest, ExtensionState
from tracker.deadlines.status import Status
from tracker.directives.models import Directive, DirectiveKind
from tracker.extensions import db
from tracker.i18n import parse_date
from tracker.reports.queries import co_agency_names
from tracker.tasks.models import Task
from tracker.tasks.queries import involving_agency, status_condition, status_expression
from tracker.text import like_pattern

#: the tiles of the dashboard, in order
TILES = [
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.OPEN_ON_TIME,
    Status.OPEN_OVERDUE,
    Status.NO_DEADLINE,
]
DUE_SOON_DAYS = 7
LIST_LIMIT = 200


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
                f.errors.append(f"Giá trị lọc “{value}” không hợp lệ, đã bỏ qua.")
                return None
            return int(value)

        f.agency_id = as_int("agency") if allow_agency else None
        f.directive_id = as_int("directive")
        f.issuer = args.get("issuer", "").strip()
        kind = args.get("kind", "").strip()
        f.kind = kind if kind in {k.value for k in DirectiveKind} else ""
        for name, label in (("due_from", "Thời hạn từ"), ("due_to", "Thời hạn đến")):
            text = args.get(name, "")
            try:
                setattr(f, name, parse_date(text))
            except ValueError:
                f.errors.append(f"{label}: “{text}” không phải ngày (dd/mm/yyyy), đã bỏ qua.")
        if f.due_from and f.due_to and f.due_to < f.due_from:
            f.errors.append("Khoảng thời hạn không hợp lệ (ngày đến trước ngày từ), đã bỏ qua.")
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
        return args

    def query_args(self) -> dict[str, str]:
        """Every active filter as query arguments (for the export links)."""
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
        return {k: str(v) for k, v in pairs.items() if v}


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
        where.append(and_(Task.done_on.is_(None), Task.cancelled_on.is_(None)))
    elif f.status:
        where.append(status_condition(f.status, as_of))
    if f.q:
        pattern = like_pattern(f.q)
        where.append(or_(Task.search_text.like(pattern), Directive.search_text.like(pattern)))
    return where


def _open(as_of: date) -> ColumnElement[bool]:
    return and_(
        or_(Task.done_on.is_(None), Task.done_on > as_of),
        or_(Task.cancelled_on.is_(None), Task.cancelled_on > as_of),
    )


def _task_rows(where: list, *extra, order, limit: int | None = LIST_LIMIT) -> Select:
    stmt = (
        select(
            Task.id,
            Task.content,
            Task.due_on,
            Task.done_on,
            Task.lead_agency_id,
            Agency.name.label("lead_agency"),
            Directive.number.label("directive"),
        )
        .join(Directive, Directive.id == Task.directive_id)
        .join(Agency, Agency.id == Task.lead_agency_id)
        .where(*where, *extra)
        .order_by(*order)
    )
    return stmt.limit(limit) if limit else stmt


def extensions_url() -> str:
    """The office's page of extension requests waiting for a decision."""
    return url_for("deadlines.extensions")


def build_dashboard(visibility: ColumnElement[bool], f: Filters, as_of: date) -> dict[str, Any]:
    """Everything the dashboard shows, in a handful of grouped or bounded queries."""
    where = _conditions(visibility, f, as_of)
    status = status_expression(as_of).label("status")
    counts = dict(
        db.session.execute(
            select(status, func.count(Task.id))
            .join(Directive, Directive.id == Task.directive_id)
            .where(*where)
            .group_by(status)
        ).all()
    )
    overdue = status_condition(Status.OPEN_OVERDUE.value, as_of)
    by_agency = db.session.execute(
        select(
            Agency.id,
            Agency.name,
            func.count(Task.id).label("count"),
            func.min(Task.due_on).label("oldest_due"),
        )
        .select_from(Task)
        .join(Directive, Directive.id == Task.directive_id)
        .join(Agency, Agency.id == Task.lead_agency_id)
        .where(*where, overdue)
        .group_by(Agency.id, Agency.name)
        .order_by(func.count(Task.id).desc(), Agency.name)
    ).all()
    overdue_rows = db.session.execute(
        _task_rows(where, overdue, order=(Agency.name, Task.due_on, Task.id))
    ).all()
    due_soon = db.session.execute(
        _task_rows(
            where,
            _open(as_of),
            Task.due_on >= as_of,
            Task.due_on <= as_of + timedelta(days=DUE_SOON_DAYS),
            order=(Task.due_on, Task.id),
        )
    ).all()
    recent = db.session.execute(
        _task_rows(
            where,
            Task.done_on.is_not(None),
            Task.done_on <= as_of,
            Task.cancelled_on.is_(None),
            order=(Task.done_on.desc(), Task.id.desc()),
            limit=10,
        )
    ).all()
    pending = db.session.execute(
        select(func.count(ExtensionRequest.id))
        .join(Task, Task.id == ExtensionRequest.task_id)
        .join(Directive, Directive.id == Task.directive_id)
        .where(*where, ExtensionRequest.state == ExtensionState.PENDING.value)
    ).scalar_one()
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
        if row.lead_agency_id in groups:
            groups[row.lead_agency_id]["tasks"].append(
                {**row._asdict(), "days_overdue": (as_of - row.due_on).days}
            )
    return {
        "as_of": as_of,
        "tiles": [(s, counts.get(s.value, 0)) for s in TILES],
        "cancelled": counts.get(Status.CANCELLED.value, 0),
        "overdue_groups": list(groups.values()),
        "overdue_total": sum(a.count for a in by_agency),
        "overdue_truncated": len(overdue_rows) >= LIST_LIMIT,
        "due_soon": due_soon,
        "recent": recent,
        "pending_extensions": pending,
        "extensions_url": extensions_url(),
    }


def filter_choices(visibility: ColumnElement[bool], *, with_agencies: bool) -> dict[str, Any]:
    """Agencies, directives and issuers for the filter selects (small queries); an agency
    officer only gets the directives that gave its own tasks."""
    visible_directives = select(Task.directive_id).where(visibility)
    directives = db.session.execute(
        select(Directive.id, Directive.number, Directive.issued_on, Directive.issuer)
        .where(Directive.id.in_(visible_directives))
        .order_by(Directive.issued_on.desc(), Directive.id.desc())
    ).all()
    agencies = []
    if with_agencies:
        agencies = db.session.execute(
            select(Agency.id, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
        ).all()
    return {
        "agencies": agencies,
        "directives": directives,
        "issuers": sorted({d.issuer for d in directives if d.issuer}),
        "kinds": [k.value for k in DirectiveKind],
    }


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
