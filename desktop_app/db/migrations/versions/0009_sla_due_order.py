"""The queue sorted by SLA deadline: an index on the stored deadlines in that order (issue 4)

"Breaching soon" lists the soonest due first, and the SLA column sorts; both read
``sla_deadlines`` (migration 0007) by ``(due_at, incident_id)``, a keyset over the open work.

Revision ID: 0009_sla_due_order
Revises: 0008_queue_no_reporter
Create Date: 2026-11-26 21:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0009_sla_due_order"
down_revision = "0008_queue_no_reporter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sla_deadlines_due_id", "sla_deadlines", ["due_at", "incident_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sla_deadlines_due_id", table_name="sla_deadlines")
