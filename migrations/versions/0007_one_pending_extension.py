"""one pending extension request per task and per period, enforced by the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:00:00

The service already refused a second pending request, but two submissions racing (a double
click) could both pass its check. Requests that such a race already left pending twice are
closed first — the newest ones, keeping the first request — or the unique index could not be
built: they are marked refused with a note saying why, so the office and the agency see what
happened on the task page.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PENDING_TASK = sa.text("state = 'pending' AND period_id IS NULL")
PENDING_PERIOD = sa.text("state = 'pending' AND period_id IS NOT NULL")
NOTE = (
    "Đề nghị trùng với một đề nghị khác đang chờ xử lý (gửi hai lần); "
    "tự động đóng khi nâng cấp phần mềm, đề nghị gửi trước vẫn được xem xét."
)


def _close_duplicates() -> None:
    """Refuse every pending request but the first of its task (or of its period)."""
    bind = op.get_bind()
    duplicates = bind.execute(
        sa.text(
            "SELECT r.id FROM extension_request r "
            "WHERE r.state = 'pending' AND EXISTS ("
            "  SELECT 1 FROM extension_request s"
            "  WHERE s.state = 'pending' AND s.task_id = r.task_id"
            "    AND ((s.period_id IS NULL AND r.period_id IS NULL) OR s.period_id = r.period_id)"
            "    AND s.id < r.id)"
        )
    ).scalars().all()
    if not duplicates:
        return
    table = sa.table(
        "extension_request",
        sa.column("id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("decision_note", sa.Text),
    )
    bind.execute(
        table.update()
        .where(table.c.id.in_(duplicates))
        .values(state="refused", decision_note=NOTE)
    )


def upgrade():
    _close_duplicates()
    op.create_index(
        "uq_extension_request_pending_task",
        "extension_request",
        ["task_id"],
        unique=True,
        postgresql_where=PENDING_TASK,
        sqlite_where=PENDING_TASK,
    )
    op.create_index(
        "uq_extension_request_pending_period",
        "extension_request",
        ["task_id", "period_id"],
        unique=True,
        postgresql_where=PENDING_PERIOD,
        sqlite_where=PENDING_PERIOD,
    )


def downgrade():
    op.drop_index("uq_extension_request_pending_period", table_name="extension_request")
    op.drop_index("uq_extension_request_pending_task", table_name="extension_request")
