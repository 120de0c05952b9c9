"""hold under abuse: task version (optimistic locking), progress idempotency keys, login
failures per account and address (issue 14)

Revision ID: 0008_harden
Revises: 0008_obligations
Create Date: 2026-12-07 19:00:00

- `task.version`: every UPDATE of a task says which version it read (SQLAlchemy's
  `version_id_col`); of two completions racing, the second changes nothing and is told so;
- `progress_update.request_key`: the random key of the form that posted it, unique, so a
  retried POST (a lost response, a double click) finds the first one instead of a duplicate;
- `login_failure.user_id`: failed logins are counted per account *and* address, so guessing
  from one address pauses that address for the account, not the whole office.

Plain column adds: no table is copied on SQLite (see 0005 for why that matters).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_harden"
down_revision = "0008_obligations"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "task", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("progress_update", sa.Column("request_key", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_progress_update_request_key", "progress_update", ["request_key"], unique=True
    )
    op.add_column("login_failure", sa.Column("user_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_login_failure_user_id_address_at", "login_failure", ["user_id", "address", "at"]
    )


def downgrade():
    op.drop_index("ix_login_failure_user_id_address_at", table_name="login_failure")
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_column("user_id")
    op.drop_index("ix_progress_update_request_key", table_name="progress_update")
    with op.batch_alter_table("progress_update") as batch:
        batch.drop_column("request_key")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("version")
