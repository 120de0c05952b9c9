"""task search at scale: trigram GIN indexes on the folded texts of tasks and directives
(PostgreSQL only; SQLite keeps its scan)

Revision ID: 0018_search17
Revises: 0018_letters16
Create Date: 2026-12-07 22:55:00.000000

The search's ``LIKE '%word%'`` on ``search_text`` (tracker.search.starts_a_word) cannot use a
B-tree; pg_trgm's GIN index serves it with a bitmap scan (issue 17: 1M tasks).
``CREATE EXTENSION pg_trgm`` needs the database owner (pg_trgm is a trusted extension).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0018_search17"
down_revision = "0018_perf12"
branch_labels = None
depends_on = None

INDEXES = (("ix_task_search_trgm", "task"), ("ix_directive_search_trgm", "directive"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        op.create_index(
            name,
            table,
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
