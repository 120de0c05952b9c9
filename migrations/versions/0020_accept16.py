"""acceptance of a completion: chờ xác nhận, accepted date, objective cause (issue 16)

Revision ID: 0018_accept16
Revises: 0017_ical
Create Date: 2026-12-07 22:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_accept16"
down_revision = "0018_targets16"
branch_labels = None
depends_on = None

_COLUMNS = ("submitted_on", "accepted_on", "excused_on")


def upgrade():
    for table in ("task", "reporting_period"):
        with op.batch_alter_table(table) as batch:
            for name in _COLUMNS:
                batch.add_column(sa.Column(name, sa.Date(), nullable=True))
            batch.add_column(sa.Column("excused_reason", sa.Text(), nullable=True))
    op.create_table(
        "completion_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("report_number", sa.String(length=100), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_completion_claim_task_id_task"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_completion_claim_period_id_reporting_period"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_completion_claim_submitted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_completion_claim_decided_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completion_claim")),
    )
    op.create_index("ix_completion_claim_state", "completion_claim", ["state"])
    op.create_index("ix_completion_claim_task", "completion_claim", ["task_id"])


def downgrade():
    op.drop_index("ix_completion_claim_task", table_name="completion_claim")
    op.drop_index("ix_completion_claim_state", table_name="completion_claim")
    op.drop_table("completion_claim")
    for table in ("task", "reporting_period"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("excused_reason")
            for name in reversed(_COLUMNS):
                batch.drop_column(name)
