"""Stored SLA deadlines for the "Breaching soon" view (issue 4)

Reserved so that work on several parts can go on at once with a linear chain; the part that owns
this revision fills in upgrade().

Revision ID: 0007_sla_due
Revises: 0006_mail
Create Date: 2026-11-26 20:10:00
"""

from __future__ import annotations

revision = "0007_sla_due"
down_revision = "0006_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
