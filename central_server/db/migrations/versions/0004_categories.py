"""Category administration: rename, move, deactivate (issue 4)

Reserved so that work on several parts can go on at once with a linear chain; the part that owns
this revision fills in upgrade().

Revision ID: 0004_categories
Revises: 0003_work
Create Date: 2026-11-26 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_categories"
down_revision = "0003_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Renames and moves only rewrite path/path_key (unique already); deactivation needs a flag.
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("is_active")
