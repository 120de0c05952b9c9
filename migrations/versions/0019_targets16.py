"""targets on tasks (chỉ tiêu, checklist) and the index register (PAR Index, PAPI, …)

Revision ID: 0018_targets16
Revises: 0017_ical
Create Date: 2026-12-07 21:52:44.196404

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_targets16"
down_revision = "0018_letters16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "score_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_index")),
        sa.UniqueConstraint("code", name=op.f("uq_score_index_code")),
    )
    op.create_table(
        "index_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("index_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_index_criterion_agency_id_agency"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["index_id"],
            ["score_index.id"],
            name=op.f("fk_index_criterion_index_id_score_index"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["index_criterion.id"],
            name=op.f("fk_index_criterion_parent_id_index_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_criterion")),
        sa.UniqueConstraint("index_id", "code", name=op.f("uq_index_criterion_index_id")),
    )
    with op.batch_alter_table("index_criterion", schema=None) as batch_op:
        batch_op.create_index("ix_index_criterion_agency", ["agency_id"], unique=False)
        batch_op.create_index("ix_index_criterion_index", ["index_id", "position"], unique=False)
        batch_op.create_index("ix_index_criterion_parent", ["parent_id"], unique=False)

    op.create_table(
        "index_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("index_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("rank_of", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["index_id"],
            ["score_index.id"],
            name=op.f("fk_index_result_index_id_score_index"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_result")),
        sa.UniqueConstraint("index_id", "year", name=op.f("uq_index_result_index_id")),
    )
    op.create_table(
        "criterion_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("points_lost", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("objective", sa.Boolean(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_criterion_assessment_agency_id_agency"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["index_criterion.id"],
            name=op.f("fk_criterion_assessment_criterion_id_index_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_criterion_assessment_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_assessment")),
        sa.UniqueConstraint(
            "criterion_id", "year", "quarter", name=op.f("uq_criterion_assessment_criterion_id")
        ),
    )
    with op.batch_alter_table("criterion_assessment", schema=None) as batch_op:
        batch_op.create_index("ix_criterion_assessment_year", ["year", "quarter"], unique=False)

    op.create_table(
        "task_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user_account.id"],
            name=op.f("fk_task_checklist_item_done_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_task_checklist_item_task_id_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_checklist_item")),
    )
    with op.batch_alter_table("task_checklist_item", schema=None) as batch_op:
        batch_op.create_index("ix_task_checklist_item_task", ["task_id", "position"], unique=False)

    op.create_table(
        "task_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["index_criterion.id"],
            name=op.f("fk_task_criterion_criterion_id_index_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
            name=op.f("fk_task_criterion_task_id_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_criterion")),
        sa.UniqueConstraint("task_id", "criterion_id", name=op.f("uq_task_criterion_task_id")),
    )
    with op.batch_alter_table("task_criterion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_criterion_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index("ix_task_criterion_task", ["task_id"], unique=False)

    op.create_table(
        "task_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("comparison", sa.String(length=3), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("achieved", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_task_target_reported_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_target_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_target")),
    )
    with op.batch_alter_table("task_target", schema=None) as batch_op:
        batch_op.create_index("ix_task_target_task", ["task_id", "position"], unique=False)


def downgrade():
    with op.batch_alter_table("task_target", schema=None) as batch_op:
        batch_op.drop_index("ix_task_target_task")

    op.drop_table("task_target")
    with op.batch_alter_table("task_criterion", schema=None) as batch_op:
        batch_op.drop_index("ix_task_criterion_task")
        batch_op.drop_index(batch_op.f("ix_task_criterion_criterion_id"))

    op.drop_table("task_criterion")
    with op.batch_alter_table("task_checklist_item", schema=None) as batch_op:
        batch_op.drop_index("ix_task_checklist_item_task")

    op.drop_table("task_checklist_item")
    with op.batch_alter_table("criterion_assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_criterion_assessment_year")

    op.drop_table("criterion_assessment")
    op.drop_table("index_result")
    with op.batch_alter_table("index_criterion", schema=None) as batch_op:
        batch_op.drop_index("ix_index_criterion_parent")
        batch_op.drop_index("ix_index_criterion_index")
        batch_op.drop_index("ix_index_criterion_agency")

    op.drop_table("index_criterion")
    op.drop_table("score_index")
