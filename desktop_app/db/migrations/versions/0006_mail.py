"""Email import: message ids, quarantine (issue 6)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0006_mail
Revises: 0005_work
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

revision = "0006_mail"
down_revision = "0005_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
