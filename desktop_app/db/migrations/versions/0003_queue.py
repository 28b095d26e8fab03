"""Queue: saved views, sort/filter indexes, incident full-text search (issue 4)

Indexes: one per sortable column, each ending in ``id`` so keyset paging (value, id) reads the
index in order; partial indexes over open incidents for the open views and the category tree's
open counts. ``incident_search`` is an FTS5 table (rowid = incidents.rowid) over number, title,
description, reporter and notes, kept current by triggers so every writer (services, sync apply,
the demo seeder) updates it in the same transaction. It stores its own copy of the text: SQLite
3.40 has no contentless-delete tables, and an external-content table cannot span the notes.

Revision ID: 0003_queue
Revises: 0002_sync
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_queue"
down_revision = "0002_sync"
branch_labels = None
depends_on = None

OPEN_WHERE = "status IN ('new', 'assigned', 'in_progress', 'on_hold')"

# (name, columns, partial WHERE or None)
INDEXES: tuple[tuple[str, list[str], str | None], ...] = (
    ("ix_incidents_created_id", ["created_at", "id"], None),
    ("ix_incidents_updated_id", ["updated_at", "id"], None),
    ("ix_incidents_priority_created", ["priority", "created_at", "id"], None),
    ("ix_incidents_status_created", ["status", "created_at", "id"], None),
    ("ix_incidents_title_id", ["title", "id"], None),
    ("ix_incidents_reporter_name_id", ["reporter_name", "id"], None),
    ("ix_incidents_category_created", ["category_id", "created_at", "id"], None),
    ("ix_incidents_assignee_created", ["assignee_id", "created_at", "id"], None),
    ("ix_incidents_group_created", ["group_id", "created_at", "id"], None),
    ("ix_incidents_resolved_at", ["resolved_at"], None),
    ("ix_incidents_open_created", ["created_at", "id"], OPEN_WHERE),
    ("ix_incidents_open_category", ["category_id", "created_at", "id"], OPEN_WHERE),
    ("ix_incidents_open_priority", ["priority", "created_at", "id"], OPEN_WHERE),
)

REPORTER_TEXT = "coalesce({row}.reporter_name, '') || ' ' || coalesce({row}.reporter_email, '')"
NOTES_OF = "(SELECT coalesce(group_concat(body, ' '), '') FROM notes WHERE notes.incident_id = {row}.id)"
ROWID_OF = "(SELECT rowid FROM incidents WHERE id = {row}.incident_id)"

SEARCH_TRIGGERS = {
    "incidents_search_insert": (
        "AFTER INSERT ON incidents BEGIN "
        "INSERT INTO incident_search(rowid, number, title, description, reporter, notes) "
        f"VALUES (new.rowid, new.number, new.title, new.description, {REPORTER_TEXT.format(row='new')}, ''); END"
    ),
    "incidents_search_update": (
        "AFTER UPDATE OF number, title, description, reporter_name, reporter_email ON incidents BEGIN "
        "UPDATE incident_search SET number = new.number, title = new.title, description = new.description, "
        f"reporter = {REPORTER_TEXT.format(row='new')} WHERE rowid = new.rowid; END"
    ),
    "incidents_search_delete": (
        "AFTER DELETE ON incidents BEGIN DELETE FROM incident_search WHERE rowid = old.rowid; END"
    ),
    "notes_search_insert": (
        "AFTER INSERT ON notes BEGIN "
        "UPDATE incident_search SET notes = trim(notes || ' ' || new.body) "
        f"WHERE rowid = {ROWID_OF.format(row='new')}; END"
    ),
    "notes_search_update": (
        "AFTER UPDATE OF body ON notes BEGIN "
        "UPDATE incident_search SET notes = (SELECT coalesce(group_concat(body, ' '), '') FROM notes "
        f"WHERE notes.incident_id = new.incident_id) WHERE rowid = {ROWID_OF.format(row='new')}; END"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_created_at")
        batch_op.drop_index("ix_incidents_updated_at")
    for name, columns, where in INDEXES:
        op.create_index(name, "incidents", columns, unique=False, sqlite_where=sa.text(where) if where else None)

    op.create_table(
        "saved_views",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_views_name")),
    )

    op.execute(
        "CREATE VIRTUAL TABLE incident_search USING fts5("
        "number, title, description, reporter, notes, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    op.execute(
        "INSERT INTO incident_search(rowid, number, title, description, reporter, notes) "
        f"SELECT i.rowid, i.number, i.title, i.description, {REPORTER_TEXT.format(row='i')}, "
        f"{NOTES_OF.format(row='i')} FROM incidents AS i"
    )
    for name, body in SEARCH_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # Statistics let the planner pick the partial (open) indexes over a sort; sampled, so quick.
    op.execute("PRAGMA analysis_limit = 1000")
    op.execute("ANALYZE")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS sqlite_stat1")  # ANALYZE's statistics, made by upgrade()
    for name in SEARCH_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS incident_search")
    op.drop_table("saved_views")
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name="incidents")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_updated_at", ["updated_at"], unique=False)
        batch_op.create_index("ix_incidents_created_at", ["created_at"], unique=False)
