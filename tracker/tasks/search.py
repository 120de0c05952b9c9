"""The task search box: words of the task, of its directive, and of its lead agency's names.

"so tai chinh" used to return 35 tasks of 14 agencies (any task whose text held those letters
anywhere), while most of Sở Tài chính's own tasks never name their lead agency in their text.
Each word now has to begin a word (tracker.search) of the task's text, its directive's, or
its lead agency's name, short name or one of its aliases ("STC", "Sở TC").
"""

from sqlalchemy import ColumnElement, and_, or_, select, true

from tracker.agencies.models import Agency, AgencyAlias
from tracker.directives.models import Directive
from tracker.search import starts_a_word, words
from tracker.sql import in_ids
from tracker.tasks.models import Task
from tracker.text import fold


def agencies_named(term: str):
    """Ids of the agencies a word of their name, short name or alias begins with `term`
    (two small tables: a subquery the task scan probes)."""
    by_name = select(Agency.id).where(
        or_(starts_a_word(Agency.name_folded, term), _short_name_is(term))
    )
    by_alias = select(AgencyAlias.agency_id).where(starts_a_word(AgencyAlias.name_folded, term))
    return by_name.union(by_alias)


def _short_name_is(term: str) -> ColumnElement[bool]:
    # short names are kept as typed ("STC"); an upper-case initialism folds to itself
    return Agency.short_name.ilike(term)


def directives_named(term: str):
    """Ids of the directives a word of whose text (number, kind, title, issuer) begins with
    `term`: a subquery on the directive table alone (its trigram index on PostgreSQL)."""
    return select(Directive.id).where(starts_a_word(Directive.search_text, term))


def task_search(query: str) -> ColumnElement[bool]:
    """The condition of the task list's and dashboard's search (on the task table alone).

    Each arm of a word reads one index on PostgreSQL: the task's folded text its trigram
    index, the directive and the lead agency an array of ids (`in_ids`) probed in
    ix_task_directive and ix_task_lead_done_due, OR-ed as bitmaps (issue 17: 1M tasks).
    """
    terms = words(query)
    if not terms:
        return true()
    return and_(
        *(
            or_(
                starts_a_word(Task.search_text, t),
                in_ids(Task.directive_id, directives_named(t)),
                in_ids(Task.lead_agency_id, agencies_named(t)),
            )
            for t in terms
        )
    )


def agency_suggestion(query: str) -> Agency | None:
    """The one active agency the whole query names (its name or an alias, word by word), so
    the list can offer its agency filter: "so tai chinh" → Sở Tài chính."""
    terms = words(query)
    if not terms:
        return None
    from tracker.extensions import db

    folded = fold(query)
    named = select(Agency).where(Agency.active.is_(True))
    exact = (
        db.session.execute(
            named.where(
                or_(
                    Agency.name_folded == folded,
                    Agency.id.in_(
                        select(AgencyAlias.agency_id).where(AgencyAlias.name_folded == folded)
                    ),
                )
            ).limit(2)
        )
        .scalars()
        .all()
    )
    if len(exact) == 1:
        return exact[0]
    loose = (
        db.session.execute(
            named.where(Agency.id.in_(_intersect(terms))).order_by(Agency.name).limit(2)
        )
        .scalars()
        .all()
    )
    return loose[0] if len(loose) == 1 else None


def _intersect(terms: list[str]):
    """Agencies whose own name (or one alias) starts a word with every term."""
    by_name = select(Agency.id).where(and_(*(starts_a_word(Agency.name_folded, t) for t in terms)))
    by_alias = select(AgencyAlias.agency_id).where(
        and_(*(starts_a_word(AgencyAlias.name_folded, t) for t in terms))
    )
    return by_name.union(by_alias)
