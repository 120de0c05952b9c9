"""the document system's inbox (incoming_document) and per-user calendar addresses

Revision ID: 0018_inbox15
Revises: 0017_ical
Create Date: 2026-12-07 22:10:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_inbox15"
down_revision = "0018_accept16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incoming_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_incoming_document_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["directive_id"],
            ["directive.id"],
            name=op.f("fk_incoming_document_directive_id_directive"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["user_account.id"],
            name=op.f("fk_incoming_document_received_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incoming_document")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_incoming_document_stored_name")),
    )
    with op.batch_alter_table("incoming_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incoming_document_directive_id"), ["directive_id"], unique=False
        )
        batch_op.create_index(
            "ix_incoming_document_number_year", ["number", "year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incoming_document_sha256"), ["sha256"], unique=False)
        batch_op.create_index("ix_incoming_document_state", ["state"], unique=False)

    op.create_table(
        "user_calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_calendar_feed_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_calendar_feed_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_user_calendar_feed_user_id")),
    )


def downgrade():
    op.drop_table("user_calendar_feed")
    with op.batch_alter_table("incoming_document", schema=None) as batch_op:
        batch_op.drop_index("ix_incoming_document_state")
        batch_op.drop_index(batch_op.f("ix_incoming_document_sha256"))
        batch_op.drop_index("ix_incoming_document_number_year")
        batch_op.drop_index(batch_op.f("ix_incoming_document_directive_id"))
    op.drop_table("incoming_document")
