"""task comments: ý kiến chỉ đạo (leaders, the office) and trao đổi (the task's agencies)

Revision ID: 0008_comments
Revises: 0008_api
Create Date: 2026-12-07 19:55:00

One row per post on a task, kind "direction" or "comment"; the task page lists a task's posts
in order through (task_id, id). Nothing to back-fill.

Chained after the current head (0008_merge) so that `upgrade head` has one head; the lead
re-chains it at merge time if another helper's migration lands first.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_comments"
down_revision = "0008_api"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_task_comment_agency_id_agency"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_task_comment_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_comment_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_comment")),
    )
    with op.batch_alter_table("task_comment", schema=None) as batch_op:
        batch_op.create_index("ix_task_comment_task", ["task_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("task_comment", schema=None) as batch_op:
        batch_op.drop_index("ix_task_comment_task")
    op.drop_table("task_comment")
