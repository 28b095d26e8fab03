"""Entity data on the wire (JSON: UUIDs and datetimes as text) ⇄ column values of the local tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Boolean, Integer, Table, Uuid

from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.models import Incident
from desktop_app.models.base import UtcDateTime

# PROTOCOL.md "Entity data": the incident's columns, named as the client names them.
INCIDENT_FIELDS: tuple[str, ...] = (
    "number",
    "title",
    "description",
    "channel",
    "reporter_id",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "occurred_at",
    "reported_at",
    "category_id",
    "impact",
    "urgency",
    "priority",
    "priority_override_reason",
    "status",
    "hold_reason",
    "group_id",
    "assignee_id",
    "parent_id",
    "workaround",
    "resolution_code",
    "root_cause",
    "resolution_steps",
    "resolved_at",
    "closed_at",
    "is_drill",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
    "root_cause_category",
    "reporter_informed",
    "reporter_not_informed_reason",
)
# Fields a user edits; the rest (ids, times, version) the server keeps.
REQUIRED_INCIDENT_FIELDS = (
    "title",
    "description",
    "channel",
    "occurred_at",
    "reported_at",
    "impact",
    "urgency",
    "priority",
    "status",
    "created_at",
    "updated_at",
)


def column_value(table: Table, column: str, value: Any) -> Any:
    """A JSON value → what the column holds (UUID, aware datetime, bool, int, text)."""
    if value is None:
        return None
    kind = table.c[column].type
    try:
        if isinstance(kind, Uuid):
            return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        if isinstance(kind, UtcDateTime):
            return parse_time(value)
        if isinstance(kind, Boolean):
            return bool(value)
        if isinstance(kind, Integer):
            return int(value)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"The server sent {value!r} for {table.name}.{column}, which is not valid there.") from exc
    return value


def parse_time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    # The protocol promises an offset; a naive value is read as UTC rather than as local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def wire_value(value: Any) -> Any:
    """A column value → JSON (the inverse of ``column_value``)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def incident_columns(data: dict[str, Any]) -> dict[str, Any]:
    """The known incident fields of a wire ``data`` dict, as column values (unknown keys are ignored)."""
    table = Incident.__table__
    return {name: column_value(table, name, data[name]) for name in INCIDENT_FIELDS if name in data}


def incident_wire(incident: Incident) -> dict[str, Any]:
    """The local row in the wire shape (what the server would send for it)."""
    return {"id": str(incident.id)} | {name: wire_value(getattr(incident, name)) for name in INCIDENT_FIELDS}


def same_value(table: Table, column: str, left: Any, right: Any) -> bool:
    """Compare a wire value with a column value (or two wire values) as the column sees them."""
    return column_value(table, column, left) == column_value(table, column, right)


def require_uuid(data: dict[str, Any], key: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(data[key]))
    except (KeyError, ValueError) as exc:
        raise ProtocolError(f"The server sent an entity without a valid {key!r}.") from exc
