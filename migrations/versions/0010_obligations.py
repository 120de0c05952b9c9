"""indexes for the open reporting periods, counted and listed as obligations (issue 12)

Revision ID: 0008_obligations
Revises: 0008_merge
Create Date: 2026-12-07 19:00:00

Tổng quan, the task list's state filter and the overdue export now count each begun reporting
period of a recurring task as an obligation of its own. Today's open periods are a small part
of the table (most periods are submitted), so, as for the open tasks (0006), partial indexes on
``done_on IS NULL`` — the period's half of `deadlines.status.is_open_sql` for today — serve the
overdue and due-soon lists and counts (by due date, and per task for the per-agency lists).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_obligations"
down_revision = "0008_merge"
branch_labels = None
depends_on = None

OPEN = sa.text("done_on IS NULL")
OPEN_VIA = sa.text("via_done_on IS NULL AND cancelled_on IS NULL")
INDEXES = {
    "ix_reporting_period_open_due": ["due_on", "task_id"],
    "ix_reporting_period_open_task": ["task_id", "due_on"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(
            name, "reporting_period", columns, postgresql_where=OPEN, sqlite_where=OPEN
        )
    # the state counts per kind of obligation read only these columns: index-only scans (the
    # task's counts now also read its cadence, one-off tasks being the task obligations)
    op.drop_index("ix_task_done_due_cancelled", table_name="task")
    op.create_index(
        "ix_task_done_due_cancelled", "task", ["done_on", "due_on", "cancelled_on", "cadence"]
    )
    op.create_index(
        "ix_task_cadence_cancelled", "task", ["cadence", "id", "cancelled_on", "lead_agency_id"]
    )
    # the via agencies' own open deadlines (two-hop reporting), by due date
    op.create_index(
        "ix_task_open_via_item",
        "task",
        ["via_due_on", "via_agency_id"],
        postgresql_where=OPEN_VIA,
        sqlite_where=OPEN_VIA,
    )
    op.create_index(
        "ix_reporting_period_states", "reporting_period", ["task_id", "starts_on", "due_on", "done_on"]
    )


def downgrade():
    op.drop_index("ix_reporting_period_states", table_name="reporting_period")
    op.drop_index("ix_task_open_via_item", table_name="task")
    op.drop_index("ix_task_cadence_cancelled", table_name="task")
    op.drop_index("ix_task_done_due_cancelled", table_name="task")
    op.create_index("ix_task_done_due_cancelled", "task", ["done_on", "due_on", "cancelled_on"])
    for name in INDEXES:
        op.drop_index(name, table_name="reporting_period")
