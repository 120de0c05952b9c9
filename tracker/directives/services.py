"""Writes to directives. A directive and its tasks are saved together or not at all."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.directives.issuers import normalize_issuer
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.tasks.models import Task
from tracker.tasks.services import TaskInput, create_task, create_tasks


class DirectiveError(ValueError):
    """A user-facing reason (in Vietnamese), with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class DirectiveInput:
    number: str
    kind: str
    issued_on: date
    title: str
    issuer: str = ""
    meeting_on: date | None = None
    full_text: str = ""
    tasks: list[TaskInput] = field(default_factory=list)


def find_duplicate(number: str, year: int, exclude_id: int | None = None) -> Directive | None:
    """Another directive with the same number in the same year, if any."""
    stmt = select(Directive).where(Directive.number == number.strip(), Directive.year == year)
    if exclude_id is not None:
        stmt = stmt.where(Directive.id != exclude_id)
    return db.session.execute(stmt).scalars().first()


def _apply(directive: Directive, data: DirectiveInput) -> None:
    directive.number = " ".join(data.number.split())
    directive.kind = data.kind
    directive.issued_on = data.issued_on
    directive.issuer = normalize_issuer(data.issuer)
    directive.meeting_on = data.meeting_on
    directive.title = (data.title or "").strip()
    if data.full_text is not None:
        directive.full_text = data.full_text
    directive.refresh_search_text()


def create_directive(data: DirectiveInput, *, created_by_id: int | None = None) -> Directive:
    """Create a directive with its tasks in the current transaction; the caller commits.

    Raises DirectiveError for a number already used in the same year, so the form can
    show it beside the field and keep what was typed.
    """
    if find_duplicate(data.number, data.issued_on.year):
        raise DirectiveError(
            "number",
            _(
                "Đã có văn bản số %(number)s năm %(year)s.",
                number=data.number.strip(),
                year=data.issued_on.year,
            ),
        )
    directive = Directive(created_by_id=created_by_id)
    _apply(directive, data)
    db.session.add(directive)
    db.session.flush()
    tasks = create_tasks(directive, data.tasks, created_by_id=created_by_id)
    # each lead, co- and via agency hears of its tasks now, not 7 days before the deadline
    notify.tasks_assigned(directive, tasks)
    return directive


def add_task(directive: Directive, data: TaskInput, *, created_by_id: int | None = None) -> Task:
    """The office adds a task to a saved directive; its agencies are told (the caller commits).

    `create_task` alone stays silent: it is also the building block of a directive's save,
    which tells each agency once for all its tasks.
    """
    task = create_task(directive, data, created_by_id=created_by_id)
    notify.tasks_assigned(directive, [task], added=True)
    return task


def update_directive(directive: Directive, data: DirectiveInput) -> Directive:
    """Change a directive's header; the caller commits."""
    if find_duplicate(data.number, data.issued_on.year, exclude_id=directive.id):
        raise DirectiveError(
            "number",
            _(
                "Đã có văn bản số %(number)s năm %(year)s.",
                number=data.number.strip(),
                year=data.issued_on.year,
            ),
        )
    _apply(directive, data)
    db.session.flush()
    return directive


def delete_directive(directive: Directive) -> None:
    """Delete a directive and its tasks (the audit log keeps what they were)."""
    db.session.delete(directive)
    db.session.flush()


def known_issuers() -> list[str]:
    """The issuers already on record, for the issuer field's suggestions (a datalist), so the
    office picks an existing spelling instead of typing a new one."""
    rows = db.session.scalars(
        select(Directive.issuer).where(Directive.issuer != "").distinct().order_by(Directive.issuer)
    )
    return list(rows)
