"""Working an incident: worklog, escalation, workaround, knowledge, resolution, SLA, communication (issue 7)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0005_work
Revises: 0004_attachments
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

revision = "0005_work"
down_revision = "0004_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
