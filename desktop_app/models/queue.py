"""The queue's indexes (migration 0003) and the user's saved views.

Every sortable column has an index ending in ``id`` so a keyset page (value, id) reads it in
order; partial indexes cover the open incidents the default views and the category counts use.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey

OPEN_WHERE = "status IN ('new', 'assigned', 'in_progress', 'on_hold')"


def _open(name: str, *columns: str) -> Index:
    return Index(name, *columns, sqlite_where=text(OPEN_WHERE))


QUEUE_INDEXES = (
    Index("ix_incidents_created_id", "created_at", "id"),
    Index("ix_incidents_updated_id", "updated_at", "id"),
    Index("ix_incidents_priority_created", "priority", "created_at", "id"),
    Index("ix_incidents_status_created", "status", "created_at", "id"),
    Index("ix_incidents_title_id", "title", "id"),
    Index("ix_incidents_reporter_name_id", "reporter_name", "id"),
    Index("ix_incidents_category_created", "category_id", "created_at", "id"),
    Index("ix_incidents_assignee_created", "assignee_id", "created_at", "id"),
    Index("ix_incidents_group_created", "group_id", "created_at", "id"),
    Index("ix_incidents_resolved_at", "resolved_at"),
    _open("ix_incidents_open_created", "created_at", "id"),
    _open("ix_incidents_open_category", "category_id", "created_at", "id"),
    _open("ix_incidents_open_priority", "priority", "created_at", "id"),
    # The no-reporter segment of the reporter sort, newest first (migration 0008).
    Index(
        "ix_incidents_no_reporter_created",
        "reporter_name",
        "created_at",
        "id",
        sqlite_where=text("reporter_name IS NULL"),
    ),
)


class SavedView(UuidPrimaryKey, Base):
    """A queue view the user saved from the current filters; local to this device, like settings."""

    __tablename__ = "saved_views"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The filters as ``QueueQuery.to_json()``: search text, filters, category, sort.
    query: Mapped[dict[str, object]] = mapped_column(JSON)
    position: Mapped[int]
    created_at: Mapped[datetime]
