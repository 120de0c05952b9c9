"""giao xử lý: who inside an agency handles a task (a phòng or an officer), with a note and
an internal deadline

Revision ID: 0018_subassign16
Revises: 0018_letters16
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_subassign16"
down_revision = "0018_search17"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_subassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('assignee_label', sa.String(length=200), nullable=False),
    sa.Column('assign_note', sa.Text(), nullable=False),
    sa.Column('internal_due_on', sa.Date(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_task_subassignment_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_task_subassignment_assigned_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_task_subassignment_assignee_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_subassignment_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_subassignment')),
    sa.UniqueConstraint('task_id', 'agency_id', name='uq_task_subassignment')
    )
    with op.batch_alter_table('task_subassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_subassignment_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_subassignment_assignee_id'), ['assignee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('task_subassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_subassignment_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_task_subassignment_agency_id'))
    op.drop_table('task_subassignment')
