"""Category administration: rename, move, deactivate (issue 4)

Reserved so that work on several parts can go on at once with a linear chain; the part that owns
this revision fills in upgrade().

Revision ID: 0004_categories
Revises: 0003_work
Create Date: 2026-11-26 20:10:00
"""

from __future__ import annotations

revision = "0004_categories"
down_revision = "0003_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
