"""Stored SLA deadlines for the "Breaching soon" view (issue 4)

``sla_deadlines`` holds each open incident's next warning and breach moments (see
``models/sla.py``). Triggers mark a row stale in the same transaction as whatever can move its
clocks, so no writer (services, sync apply, bootstrap, the demo seeder) has to remember to; the SLA
service recomputes stale rows. Every open incident starts stale here.

Revision ID: 0007_sla_due
Revises: 0006_mail
Create Date: 2026-11-26 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sla_due"
down_revision = "0006_mail"
branch_labels = None
depends_on = None

# The open statuses as of this revision (a migration must not follow later code).
OPEN = "('new', 'assigned', 'in_progress', 'on_hold')"
MARK_STALE = (
    "INSERT INTO sla_deadlines (incident_id, paused, stale) VALUES ({row}, 0, 1) "
    "ON CONFLICT (incident_id) DO UPDATE SET stale = 1"
)
TRIGGERS = {
    "sla_due_incident_insert": (
        f"AFTER INSERT ON incidents WHEN new.status IN {OPEN} BEGIN {MARK_STALE.format(row='new.id')}; END"
    ),
    # Any status change counts (a reopen brings a resolved incident back); the WHEN skips writers
    # that set every column to the value it had.
    "sla_due_incident_update": (
        "AFTER UPDATE OF status, priority, reported_at ON incidents "
        "WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority "
        f"OR old.reported_at IS NOT new.reported_at BEGIN {MARK_STALE.format(row='new.id')}; END"
    ),
    # History arriving later (a synced offline hold) moves the clocks of an incident still open.
    "sla_due_history_insert": (
        "AFTER INSERT ON audit_events WHEN new.field IN ('status', 'priority') AND EXISTS "
        f"(SELECT 1 FROM incidents WHERE id = new.incident_id AND status IN {OPEN}) "
        f"BEGIN {MARK_STALE.format(row='new.incident_id')}; END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "sla_deadlines",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("warn_at", sa.DateTime(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("clock", sa.String(length=12), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_sla_deadlines_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_sla_deadlines")),
    )
    op.create_index("ix_sla_deadlines_warn_at", "sla_deadlines", ["warn_at"], unique=False)
    op.create_index("ix_sla_deadlines_stale", "sla_deadlines", ["stale"], sqlite_where=sa.text("stale = 1"))
    op.execute(
        f"INSERT INTO sla_deadlines (incident_id, paused, stale) SELECT id, 0, 1 FROM incidents WHERE status IN {OPEN}"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_sla_deadlines_stale", table_name="sla_deadlines")
    op.drop_index("ix_sla_deadlines_warn_at", table_name="sla_deadlines")
    op.drop_table("sla_deadlines")
