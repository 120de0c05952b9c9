"""session tokens (revocable sessions) and login failures per client address

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00.000000

`user_account.session_token` is what the session and remember-me cookies carry; existing rows
get distinct random tokens (everybody logs in again once, since the old cookies carry ids).

SQLite cannot alter a column in place, and batch mode would copy `user_account` into a new
table and drop the old one. With foreign keys enforced (the app turns them on for every
connection) that drop deletes the rows first: `audit_log.user_id` (ON DELETE SET NULL) would
lose every author, or the other references make it fail. So on SQLite the column is added
NOT NULL with a placeholder default and no table is copied; PostgreSQL gets the plain
add, fill, SET NOT NULL. The unique index is the same on both.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        # ALTER TABLE ADD COLUMN (no copy); the default only fills the rows, filled again below
        op.add_column('user_account', sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    else:
        op.add_column('user_account', sa.Column('session_token', sa.String(length=64), nullable=True))

    user_account = sa.table('user_account', sa.column('id', sa.Integer()), sa.column('session_token', sa.String()))
    ids = bind.execute(sa.select(user_account.c.id)).scalars().all()
    for user_id in ids:
        bind.execute(
            user_account.update()
            .where(user_account.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )

    if not sqlite:
        op.alter_column('user_account', 'session_token', existing_type=sa.String(length=64), nullable=False)
    op.create_index(op.f('ix_user_account_session_token'), 'user_account', ['session_token'], unique=True)

    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_login_failure_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_at')
        batch_op.drop_index('ix_login_failure_address_at')

    op.drop_table('login_failure')
    op.drop_index(op.f('ix_user_account_session_token'), table_name='user_account')
    # SQLite ≥ 3.35 drops a column in place (no table copy, see above)
    op.drop_column('user_account', 'session_token')
