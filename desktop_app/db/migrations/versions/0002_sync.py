"""sync with a central server: sync state, leased numbers, conflicts, server copies, outbox results

Incident numbers become nullable (a connected client out of leased numbers logs the incident as
"pending" until the server numbers it); uniqueness stays for the numbers given.

Revision ID: 0002_sync
Revises: 0001_initial
Create Date: 2026-11-26 15:43:47.280368
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_sync"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflicts",
        sa.Column("server_id", sa.Uuid(), nullable=True),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("mine", sa.JSON(), nullable=True),
        sa.Column("theirs", sa.JSON(), nullable=True),
        sa.Column("winner", sa.String(length=6), nullable=False),
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("resolution_sent", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
        sa.UniqueConstraint("server_id", name=op.f("uq_conflicts_server_id")),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index("ix_conflicts_mutation_field", ["mutation_id", "field"], unique=True)
        batch_op.create_index("ix_conflicts_resolved", ["resolved_at"], unique=False)

    op.create_table(
        "number_blocks",
        sa.Column("start", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("next", sa.Integer(), nullable=False),
        sa.Column("leased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("start", name=op.f("pk_number_blocks")),
    )
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=True),
        sa.Column("username", sa.String(length=120), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("last_pull_at", sa.DateTime(), nullable=True),
        sa.Column("last_push_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("last_error_code", sa.String(length=40), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("bootstrap_done", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "incident_shadows",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_shadows_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_shadows")),
    )
    # Batch mode recreates the table; env.py turns foreign keys off first, so dropping the old copy
    # does not cascade into notes and audit events.
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.INTEGER(), nullable=True)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("wire_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_outbox_entity_state", ["entity_id", "state"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_wire_seq"), ["wire_seq"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_outbox_wire_seq"), type_="unique")
        batch_op.drop_index("ix_outbox_entity_state")
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("settled_at")
        batch_op.drop_column("result")
        batch_op.drop_column("wire_seq")
        batch_op.drop_column("error_code")

    # 0001 needs a number on every incident: pending ones get fresh numbers after the highest.
    op.execute(
        "UPDATE incidents SET number = (SELECT coalesce(max(number), 0) FROM incidents) + rowid WHERE number IS NULL"
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.INTEGER(), nullable=False)

    op.drop_table("incident_shadows")
    op.drop_table("sync_state")
    op.drop_table("number_blocks")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_conflicts_resolved")
        batch_op.drop_index("ix_conflicts_mutation_field")

    op.drop_table("conflicts")
