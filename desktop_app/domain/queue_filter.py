"""What the queue shows: filters, category, search text and sort, plus the built-in views.

Pure data: the service turns a ``QueueQuery`` into SQL; saved views store ``to_json()``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from desktop_app.domain.enums import Channel, Priority, Status

OPEN_STATUSES = tuple(s for s in Status if s.is_open)

# Sortable columns (the table's column keys); "created" is the Age column.
SORT_COLUMNS = (
    "number",
    "priority",
    "title",
    "reporter",
    "category",
    "status",
    "assignee",
    "created",
    "updated",
    "sla",  # the next SLA deadline (stored deadlines, migration 0007); none last
)


@dataclass(frozen=True)
class QueueSort:
    column: str = "created"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.column not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {self.column!r}")


@dataclass(frozen=True)
class QueueQuery:
    """Every part is optional; an empty query is every incident, newest first."""

    search: str = ""
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    channels: tuple[Channel, ...] = ()
    group_ids: tuple[uuid.UUID, ...] = ()
    assignee_ids: tuple[uuid.UUID, ...] = ()
    unassigned: bool = False
    assigned_to_me: bool = False
    reporter: str = ""
    category_id: uuid.UUID | None = None  # the node and everything under it
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    drill: bool | None = None
    # Conditions only the built-in views use (they need the clock or the outbox).
    breaching_soon: bool = False
    resolved_within_days: int | None = None
    pending_sync: bool = False
    sort: QueueSort = field(default_factory=QueueSort)
    # A search that is the only condition is ranked by relevance; False follows ``sort`` instead.
    by_relevance: bool = True

    def with_changes(self, **changes: Any) -> QueueQuery:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value == item.default or (item.name == "sort" and value == QueueSort()):
                continue
            if isinstance(value, tuple):
                data[item.name] = [str(v) for v in value]
            elif isinstance(value, uuid.UUID):
                data[item.name] = str(value)
            elif isinstance(value, datetime):
                data[item.name] = value.isoformat()
            elif isinstance(value, QueueSort):
                data[item.name] = {"column": value.column, "descending": value.descending}
            else:
                data[item.name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueueQuery:
        kinds = {
            "statuses": Status,
            "priorities": Priority,
            "channels": Channel,
            "group_ids": uuid.UUID,
            "assignee_ids": uuid.UUID,
        }
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in kinds:
                values[key] = tuple(kinds[key](v) for v in value)
            elif key == "category_id":
                values[key] = uuid.UUID(value) if value else None
            elif key in ("created_from", "created_to", "updated_from", "updated_to"):
                values[key] = datetime.fromisoformat(value) if value else None
            elif key == "sort":
                values[key] = QueueSort(value["column"], bool(value["descending"]))
            elif key in {f.name for f in fields(cls)}:
                values[key] = value
        return cls(**values)


# Breaching soon: a running SLA clock has passed its warning share (or its target); held ones pause.
BREACHING_NOTE = (
    "Breaching soon: open incidents whose SLA clock has passed its warning share, soonest due first; "
    "on hold pauses the clock."
)


@dataclass(frozen=True)
class BuiltinView:
    key: str
    name: str
    query: QueueQuery
    note: str = ""


BUILTIN_VIEWS = (
    BuiltinView("all", "All incidents", QueueQuery()),
    BuiltinView("my_open", "My open", QueueQuery(statuses=OPEN_STATUSES, assigned_to_me=True)),
    BuiltinView("unassigned", "Unassigned", QueueQuery(statuses=OPEN_STATUSES, unassigned=True)),
    BuiltinView("all_open", "All open", QueueQuery(statuses=OPEN_STATUSES)),
    BuiltinView("on_hold", "On hold", QueueQuery(statuses=(Status.ON_HOLD,))),
    BuiltinView(
        "breaching",
        "Breaching soon",
        QueueQuery(statuses=OPEN_STATUSES, breaching_soon=True, sort=QueueSort("sla", descending=False)),
        BREACHING_NOTE,
    ),
    BuiltinView(
        "resolved_7d",
        "Resolved last 7 days",
        QueueQuery(statuses=(Status.RESOLVED,), resolved_within_days=7, sort=QueueSort("updated")),
    ),
    BuiltinView("pending_sync", "Pending sync", QueueQuery(pending_sync=True)),
)


def builtin_view(key_or_name: str) -> BuiltinView | None:
    wanted = key_or_name.strip().casefold().replace("-", "_")
    return next(
        (v for v in BUILTIN_VIEWS if wanted in (v.key, v.name.casefold(), v.name.casefold().replace(" ", "_"))), None
    )


class Descending:
    """Wraps a value so that Python sorts it in reverse: lets one tuple mix directions."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Descending) -> bool:
        return self.value > other.value

    def __gt__(self, other: Descending) -> bool:
        return self.value < other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Descending({self.value!r})"


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue: the summary, the keyset cursor the service pages from, and a
    Python-comparable ``order`` (rows sort ascending by it in display order)."""

    summary: Any  # IncidentSummary
    key: tuple[Any, ...]  # (segment index, key values…)
    descending: bool = False  # the direction of the key values within their segment

    @property
    def order(self) -> tuple[Any, ...]:
        if not self.descending:
            return self.key
        return (self.key[0], *(Descending(value) for value in self.key[1:]))


@dataclass(frozen=True)
class QueueCounts:
    total: int  # every incident in the database
    matches: int  # those the query matches
    # "" without search text; "ranked" (by relevance, within a bounded set) or "recent" (too many
    # matches to rank quickly: most recently added first).
    search_mode: str = ""
    note: str = ""
