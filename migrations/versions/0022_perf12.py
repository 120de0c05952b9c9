"""a partial index on completed periods, for "Mới hoàn thành" (issue 12)

Revision ID: 0018_perf12
Revises: 0017_ical
Create Date: 2026-12-07 22:20:00

Tổng quan's "Mới hoàn thành" lists the obligations completed last: the ten newest
completions of tasks and of reporting periods (`reports.dashboard.build_dashboard`). Tasks had an
index leading with `done_on`; reporting periods did not, so PostgreSQL sorted every submitted
period to keep ten. This one holds only the submitted periods, newest first by a backward scan.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_perf12"
down_revision = "0018_inbox15"
branch_labels = None
depends_on = None

PERIOD_DONE = sa.text("done_on IS NOT NULL")


def upgrade():
    op.create_index(
        "ix_reporting_period_done",
        "reporting_period",
        ["done_on", "task_id"],
        postgresql_where=PERIOD_DONE,
        sqlite_where=PERIOD_DONE,
    )


def downgrade():
    op.drop_index("ix_reporting_period_done", table_name="reporting_period")
