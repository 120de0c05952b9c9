"""audit log: the key of rows without an integer id, the reason of a change, an index by time

Revision ID: 0008_merge
Revises: 0008_notify
Create Date: 2026-12-07 19:00:00

* `entity_key`: a setting's key (its primary key is a string), so the journal says which
  setting changed;
* `note`: why a change was made when a service says so (an agency merge moves a task:
  {"kind": "agency_merge", "from_id": …, "from": "Sở …", "to_id": …, "on": "2025-07-01"});
* `ix_audit_log_at`: the journal lists the newest rows first and filters by date.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_merge"
down_revision = "0008_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("entity_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("note", sa.JSON(none_as_null=True), nullable=True))
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("note")
        batch.drop_column("entity_key")
