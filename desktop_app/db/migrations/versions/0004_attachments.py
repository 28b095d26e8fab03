"""Attachments: content-addressed blobs and attachment rows (issue 5)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0004_attachments
Revises: 0003_queue
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

revision = "0004_attachments"
down_revision = "0003_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
