"""signed PDFs: the stored verdict on each PDF attachment's signatures, and trusted roots

Revision ID: 0008_signed
Revises: 0008_harden
Create Date: 2026-12-07 19:45:00

Chained after 0008_notify (already on main when this branch was cut), so the branch has one
head; existing attachments get no verdict until the office re-verifies them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_signed"
down_revision = "0008_harden"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trusted_root',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=1000), nullable=False),
    sa.Column('issuer', sa.String(length=1000), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('not_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('der', sa.LargeBinary(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_trusted_root_added_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_root')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_trusted_root_fingerprint'))
    )
    op.create_table('attachment_signature',
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('signer', sa.String(length=500), nullable=True),
    sa.Column('organisation', sa.String(length=500), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_attachment_signature_attachment_id_attachment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('attachment_id', name=op.f('pk_attachment_signature'))
    )


def downgrade():
    op.drop_table('attachment_signature')
    op.drop_table('trusted_root')
