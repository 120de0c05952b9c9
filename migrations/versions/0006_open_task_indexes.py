"""indexes for today's lists and the dashboard counts (issue 7)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = sa.text("done_on IS NULL AND cancelled_on IS NULL")
INDEXES = {
    "ix_task_open_lead_due": ["lead_agency_id", "due_on"],
    "ix_task_open_via_due": ["via_agency_id", "due_on"],
    "ix_task_open_due": ["due_on"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "task", columns, postgresql_where=OPEN, sqlite_where=OPEN)
    # the dashboard's state counts read only these three columns: an index-only scan
    op.create_index("ix_task_done_due_cancelled", "task", ["done_on", "due_on", "cancelled_on"])
    op.drop_index("ix_task_done_on", table_name="task")
    op.create_index("ix_directive_issuer", "directive", ["issuer"])
    # the period report's window on the original due dates
    op.create_index("ix_task_original_due_on", "task", ["original_due_on"])
    op.create_index("ix_reporting_period_original_due_on", "reporting_period", ["original_due_on"])


def downgrade():
    op.drop_index("ix_reporting_period_original_due_on", table_name="reporting_period")
    op.drop_index("ix_task_original_due_on", table_name="task")
    op.drop_index("ix_directive_issuer", table_name="directive")
    op.create_index("ix_task_done_on", "task", ["done_on"])
    op.drop_index("ix_task_done_due_cancelled", table_name="task")
    for name in INDEXES:
        op.drop_index(name, table_name="task")
