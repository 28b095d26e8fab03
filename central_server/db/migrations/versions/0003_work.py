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
    op.drop_table("knowledge_entries")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for name, _kind in reversed(NOTE_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, _kind in reversed(INCIDENT_COLUMNS):
            batch_op.drop_column(name)
