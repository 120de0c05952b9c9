"""The reads behind the directive list: the filtered directives, their task counts, the years."""

from sqlalchemy import Select, func, select

from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.search import matches
from tracker.tasks.models import Task


def directive_list(query: str, year: int | None, kind: str, issuer: str) -> Select:
    """Directives newest first, filtered by words (accent-insensitive), year, kind, issuer."""
    stmt = select(Directive).order_by(Directive.issued_on.desc(), Directive.id.desc())
    if query:
        stmt = stmt.where(matches(query, Directive.search_text))
    if year:
        stmt = stmt.where(Directive.year == year)
    if kind:
        stmt = stmt.where(Directive.kind == kind)
    if issuer:
        stmt = stmt.where(matches(issuer, Directive.search_text))
    return stmt


def task_counts(directive_ids: list[int]) -> dict:
    """For each directive of a page: its tasks and its unfinished ones, in one grouped query
    (rows with `tasks` and `open`)."""
    return {
        row.directive_id: row
        for row in db.session.execute(
            select(
                Task.directive_id,
                func.count(Task.id).label("tasks"),
                func.count(Task.id)
                .filter(Task.done_on.is_(None), Task.cancelled_on.is_(None))
                .label("open"),
            )
            .where(Task.directive_id.in_(directive_ids))
            .group_by(Task.directive_id)
        )
    }


def issued_years() -> list[int]:
    """The years directives were issued in, newest first (the year filter's choices)."""
    return list(
        db.session.execute(
            select(Directive.year).distinct().order_by(Directive.year.desc())
        ).scalars()
    )
