"""Working an incident: worklog, escalation, workaround, resolution, communication (issue 7)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0003_work
Revises: 0002_attachments
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_work"
down_revision = "0002_attachments"
branch_labels = None
depends_on = None


INCIDENT_COLUMNS = (
    ("root_cause_category", sa.String(length=40)),
    ("reporter_informed", sa.Boolean()),
    ("reporter_not_informed_reason", sa.String(length=500)),
)
NOTE_COLUMNS = (
    ("time_spent_minutes", sa.Integer()),
    ("visibility", sa.String(length=10)),
    ("details", sa.JSON()),
)


def upgrade() -> None:
    _create_mail_outbox_tables()
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, kind in INCIDENT_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for name, kind in NOTE_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("symptom", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("source_incident_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_knowledge_entries_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_knowledge_entries_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_incident_id"],
            ["incidents.id"],
            name=op.f("fk_knowledge_entries_source_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_entries")),
    )
    with op.batch_alter_table("knowledge_entries", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_entries_category", ["category_id"], unique=False)


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("knowledge_entries")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for name, _kind in reversed(NOTE_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, _kind in reversed(INCIDENT_COLUMNS):
            batch_op.drop_column(name)


def _create_mail_outbox_tables() -> None:
    """Messages to reporters the server sends with its own SMTP settings (issue 7, communication)."""
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_mail_outbox_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_mail_outbox_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_state_next", ["state", "next_attempt_at"], unique=False)
