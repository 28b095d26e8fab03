"""Queue: saved views, sort/filter indexes, incident full-text search (issue 4)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0003_queue
Revises: 0002_sync
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

revision = "0003_queue"
down_revision = "0002_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
