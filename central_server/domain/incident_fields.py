"""The incident's fields on the wire: which a mutation may set, and how each value is checked.

The server validates but never rewrites a value (no stripping, no case folding): a value it changed
would differ from the one the client holds, and the two would never converge.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from central_server.domain.enums import Channel, HoldReason, Priority, Status
from central_server.domain.errors import InvalidValueError, RejectionError

TITLE_MAX = 200
LONG_TEXT_MAX = 20_000
NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
SHORT_TEXT_MAX = 120
REASON_MAX = 500

Parser = Callable[[str, Any], Any]


def text(max_len: int, *, required: bool = False) -> Parser:
    def parse(name: str, raw: Any) -> str | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                raise InvalidValueError(f"{name} is required.")
            return None if raw is None else raw
        if not isinstance(raw, str):
            raise InvalidValueError(f"{name} must be text, not {type(raw).__name__}.")
        if len(raw) > max_len:
            raise InvalidValueError(f"{name} is {len(raw):,} characters long; the limit is {max_len:,}.")
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in raw):
            raise InvalidValueError(f"{name} contains control characters.")
        return raw

    return parse


def optional_uuid(name: str, raw: Any) -> uuid.UUID | None:
    if raw is None:
        return None
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except ValueError as exc:
        raise InvalidValueError(f"{name} is not a UUID: {raw!r}.") from exc


def timestamp(name: str, raw: Any) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw)
        except ValueError as exc:
            raise InvalidValueError(f"{name} is not an ISO 8601 time: {raw!r}.") from exc
    else:
        raise InvalidValueError(f"{name} is required as an ISO 8601 time.")
    # Naive times are taken as UTC, the only zone the client writes.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def optional_timestamp(name: str, raw: Any) -> datetime | None:
    return None if raw is None else timestamp(name, raw)


def level(name: str, raw: Any) -> int:
    if isinstance(raw, bool) or raw not in (1, 2, 3):
        raise InvalidValueError(f"{name} must be 1, 2 or 3, not {raw!r}.")
    return int(raw)


def flag(name: str, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise InvalidValueError(f"{name} must be true or false, not {raw!r}.")
    return raw


def choice(enum: type[StrEnum], *, required: bool = True) -> Parser:
    def parse(name: str, raw: Any) -> str | None:
        if raw is None and not required:
            return None
        try:
            return enum(raw).value
        except ValueError as exc:
            allowed = ", ".join(member.value for member in enum)
            raise InvalidValueError(f"{name} must be one of {allowed}, not {raw!r}.") from exc

    return parse


def optional_number(name: str, raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise InvalidValueError(f"{name} must be a positive whole number or null, not {raw!r}.")
    return raw


# Fields update_fields may set (status, hold and assignment have their own mutations).
UPDATABLE: dict[str, Parser] = {
    "title": text(TITLE_MAX, required=True),
    "description": text(LONG_TEXT_MAX, required=True),
    "channel": choice(Channel),
    "reporter_id": optional_uuid,
    "reporter_name": text(NAME_MAX),
    "reporter_email": text(EMAIL_MAX),
    "reporter_phone": text(PHONE_MAX),
    "occurred_at": timestamp,
    "reported_at": timestamp,
    "category_id": optional_uuid,
    "impact": level,
    "urgency": level,
    "priority": choice(Priority),
    "priority_override_reason": text(REASON_MAX),
    "parent_id": optional_uuid,
    "workaround": text(LONG_TEXT_MAX),
    "resolution_code": text(SHORT_TEXT_MAX),
    "root_cause": text(LONG_TEXT_MAX),
    "resolution_steps": text(LONG_TEXT_MAX),
    "is_drill": flag,
}

# create_incident: everything updatable, plus the number, the starting status and the assignment.
CREATABLE: dict[str, Parser] = {
    **UPDATABLE,
    "number": optional_number,
    "status": choice(Status),
    "hold_reason": choice(HoldReason, required=False),
    "group_id": optional_uuid,
    "assignee_id": optional_uuid,
}
CREATE_REQUIRED = ("title", "description", "channel", "occurred_at", "impact", "urgency", "priority", "status")
CREATE_DEFAULTS: dict[str, Any] = {"is_drill": False}


def optional_flag(name: str, raw: Any) -> bool | None:
    return None if raw is None else flag(name, raw)


# Closure documentation change_status may carry (the rules: sync_protocol/workflow_rules.py).
DOCUMENTATION: dict[str, Parser] = {
    "resolution_code": text(SHORT_TEXT_MAX),
    "root_cause": text(LONG_TEXT_MAX),
    "resolution_steps": text(LONG_TEXT_MAX),
    "root_cause_category": text(40),
    "reporter_informed": optional_flag,
    "reporter_not_informed_reason": text(REASON_MAX),
}

REFERENCES = {"reporter_id": "reporter", "category_id": "category", "parent_id": "incident"}


def parse_fields(values: dict[str, Any], parsers: dict[str, Parser], *, what: str) -> dict[str, Any]:
    unknown = sorted(set(values) - set(parsers))
    if unknown:
        raise InvalidValueError(f"{what} cannot set {', '.join(unknown)}.")
    return {name: parsers[name](name, raw) for name, raw in values.items()}


def comparable(values: dict[str, Any], parsers: dict[str, Parser]) -> dict[str, Any]:
    """Base values in the server's types for comparison only: not checked, since the client had them."""
    out: dict[str, Any] = {}
    for name, raw in values.items():
        try:
            out[name] = parsers[name](name, raw)
        except RejectionError:
            out[name] = raw
    return out


def to_wire(value: Any) -> Any:
    """The JSON form of a field value: the one the client sends and compares."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def audit_text(value: Any) -> str | None:
    """How the incident audit shows a value (the client's audit stores the same text)."""
    wire = to_wire(value)
    return None if wire is None else str(wire)
