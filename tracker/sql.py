"""Small SQL idioms shared by the features' queries, written once for both databases."""

from sqlalchemy import ColumnElement, Select, any_, func

from tracker.extensions import db


def in_ids(column, ids: Select) -> ColumnElement[bool]:
    """``column IN (ids)``, written ``column = ANY(ARRAY(ids))`` on PostgreSQL.

    In an OR with indexed conditions (an agency's lead and via arms, a date range), PostgreSQL
    turns ``IN (subquery)`` into a filter over every candidate row, while an array computed once
    becomes one more bitmap index scan on ``column`` to OR with the others (issue 7: the agency's
    overdue list at 1M tasks, 1.3 s → 0.25 s). SQLite has no arrays and plans ``IN`` well.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(func.array(ids.scalar_subquery()))
    return column.in_(ids)


def schema_filter(dialect_name: str):
    """An Alembic ``include_object`` hook that leaves out the indexes declared for another
    database (``Index(...).ddl_if(dialect="postgresql")``: the trigram indexes of the search).

    ``create_all`` honours ``ddl_if`` but Alembic's autogenerate does not, so without this the
    comparison of the models with a SQLite database would ask for a PostgreSQL-only index.
    """

    def include(obj, name, type_, reflected, compare_to) -> bool:
        condition = getattr(obj, "_ddl_if", None)  # set by SchemaItem.ddl_if()
        if type_ != "index" or reflected or condition is None or condition.dialect is None:
            return True
        wanted = condition.dialect
        return dialect_name == wanted if isinstance(wanted, str) else dialect_name in wanted

    return include
