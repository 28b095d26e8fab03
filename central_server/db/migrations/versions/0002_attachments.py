"""Attachments: blobs, chunked uploads, attachment rows (issue 5)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0002_attachments
Revises: 0001_initial
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

revision = "0002_attachments"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
