"""partial indexes on the recurring tasks and the via items, for their obligations (issue 12)

Revision ID: 0011_perf
Revises: 0008_webhooks
Create Date: 2026-12-07 20:05:00

Every reporting period counted or listed as an obligation joins its task for its cadence and its
cancellation (`deadlines.obligations.arms`: ``NOT is_one_off_sql(cadence)``). ``cadence NOT IN
('none', '')`` cannot be an index condition, so PostgreSQL read the whole task table for the
periods' state counts (100k rows to keep 8k) and every task of an agency for its overdue list.
This partial index holds only the recurring tasks, with what those joins read (lead agency, id,
cancellation): index-only scans of a few pages instead.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_perf"
down_revision = "0008_webhooks"
branch_labels = None
depends_on = None

# `deadlines.status.is_one_off_sql`, negated, as the model renders it
RECURRING = sa.text("NOT (cadence IS NULL OR cadence IN ('none', ''))")
# `deadlines.obligations.has_via_item_sql`
VIA_ITEM = sa.text("via_agency_id IS NOT NULL AND (via_due_on IS NOT NULL OR via_done_on IS NOT NULL)")


def upgrade():
    op.create_index(
        "ix_task_recurring",
        "task",
        ["lead_agency_id", "id", "cancelled_on"],
        postgresql_where=RECURRING,
        sqlite_where=RECURRING,
    )
    # the via agencies' items, done ones included: their state counts become index-only scans
    op.create_index(
        "ix_task_via_item_states",
        "task",
        ["via_agency_id", "via_due_on", "via_done_on", "cancelled_on"],
        postgresql_where=VIA_ITEM,
        sqlite_where=VIA_ITEM,
    )


def downgrade():
    op.drop_index("ix_task_via_item_states", table_name="task")
    op.drop_index("ix_task_recurring", table_name="task")
