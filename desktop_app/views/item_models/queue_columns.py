"""The queue table's columns: header, sort key and cell text of each, and the SLA column's source."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtGui import QColor

from desktop_app.domain.dtos import IncidentSummary


def age_text(since: datetime, now: datetime) -> str:
    seconds = max(int((now - since).total_seconds()), 0)
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def local_time_text(moment: datetime, now: datetime) -> str:
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class QueueColumn:
    """One table column: its header, the sort key the service knows (None: not sortable), its text.

    Add a column by appending here (an SLA column, say); views and settings follow the list.
    """

    title: str
    sort_key: str | None
    text: Callable[[IncidentSummary, datetime], str]


QUEUE_COLUMNS: list[QueueColumn] = [
    QueueColumn("Number", "number", lambda row, _now: row.display_number),
    QueueColumn("Priority", "priority", lambda row, _now: row.priority.value),
    QueueColumn("Title", "title", lambda row, _now: row.title),
    QueueColumn("Reporter", "reporter", lambda row, _now: row.reporter_name or ""),
    QueueColumn("Category", "category", lambda row, _now: row.category_path or ""),
    QueueColumn("Status", "status", lambda row, _now: row.status.label),
    QueueColumn("Assignee", "assignee", lambda row, _now: row.assignee_name or (row.group_name or "")),
    QueueColumn("Age", "created", lambda row, now: age_text(row.created_at, now)),
    QueueColumn("Updated", "updated", lambda row, now: local_time_text(row.updated_at, now)),
    # Filled from the SLA clocks a visible page at a time (attach_sla); empty until they are attached.
    # Sorted by the stored next deadline (soonest first; none last).
    QueueColumn("SLA", "sla", lambda _row, _now: ""),
]
COLUMNS = tuple(column.title for column in QUEUE_COLUMNS)
PRIORITY_COLUMN = COLUMNS.index("Priority")
TITLE_COLUMN = COLUMNS.index("Title")
SLA_COLUMN = COLUMNS.index("SLA")


class SlaTexts(Protocol):
    """What the SLA column reads (views.sla.sla_column.SlaColumnCache)."""

    updated: Any  # Signal(frozenset of incident ids)

    def text(self, incident_id: uuid.UUID) -> str: ...

    def colour(self, incident_id: uuid.UUID) -> QColor | None: ...
