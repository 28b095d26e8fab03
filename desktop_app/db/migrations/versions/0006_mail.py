"""Email import: message ids, quarantine (issue 6)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0006_mail
Revises: 0005_work
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_mail"
down_revision = "0005_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=True),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_mail_messages_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_messages_message_id")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index("ix_mail_messages_incident", ["incident_id"], unique=False)

    op.create_table(
        "mail_quarantine",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_path", sa.String(length=1000), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_quarantine")),
    )
    with op.batch_alter_table("mail_quarantine", schema=None) as batch_op:
        batch_op.create_index("ix_mail_quarantine_created", ["created_at"], unique=False)
        batch_op.create_index("ix_mail_quarantine_sha256", ["sha256"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("mail_quarantine", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_quarantine_sha256")
        batch_op.drop_index("ix_mail_quarantine_created")
    op.drop_table("mail_quarantine")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_incident")
    op.drop_table("mail_messages")
