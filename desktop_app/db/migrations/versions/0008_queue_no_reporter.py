"""The queue sorted by reporter: an index for the incidents without one (issue 4)

Sorted by reporter, incidents without a reporter come last, newest first. Without this index
SQLite found them through the reporter-name index and sorted them (about 70,000 of 1,000,000 in
the demo data): the last page took about 100 ms; with it, a few. The queue marks that condition
``likelihood(…, 0.9)``: the statistics average over all names and cannot tell that "no reporter"
is a large group.

Revision ID: 0008_queue_no_reporter
Revises: 0007_sla_due
Create Date: 2026-11-26 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_queue_no_reporter"
down_revision = "0007_sla_due"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_incidents_no_reporter_created",
        "incidents",
        ["reporter_name", "created_at", "id"],
        unique=False,
        sqlite_where=sa.text("reporter_name IS NULL"),
    )
    op.execute("ANALYZE ix_incidents_no_reporter_created")  # statistics for the new index only


def downgrade() -> None:
    op.drop_index("ix_incidents_no_reporter_created", table_name="incidents")
