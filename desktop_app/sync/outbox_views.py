"""Outbox entries and conflicts as frozen DTOs for the Outbox, Errors and Conflicts views."""

from __future__ import annotations

import uuid
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.errors import NotFoundError
from desktop_app.domain.ids import format_number
from desktop_app.models import Category, Conflict, Group, Incident, OutboxEntry
from desktop_app.sync.dtos import ConflictView, OutboxItem, OutboxState
from desktop_app.sync.overlay import INCIDENT_MUTATIONS

FIELD_LABELS = {
    "category_id": "category",
    "group_id": "group",
    "assignee_id": "assignee",
    "reporter_id": "reporter",
    "priority_override_reason": "priority reason",
    "is_drill": "drill",
}


def outbox_items(session: Session, states: tuple[OutboxState, ...] | None, limit: int) -> list[OutboxItem]:
    stmt = select(OutboxEntry)
    if states:
        stmt = stmt.where(OutboxEntry.state.in_([s.value for s in states]))
    entries = session.scalars(stmt.order_by(OutboxEntry.seq.desc()).limit(limit)).all()
    return [to_item(session, entry) for entry in reversed(entries)]


def to_item(session: Session, entry: OutboxEntry) -> OutboxItem:
    number = None
    if entry.name in INCIDENT_MUTATIONS:
        incident = session.get(Incident, entry.entity_id)
        if incident is not None:
            number = format_number(incident.number)
        elif entry.name == "create_incident":
            number = format_number(entry.payload.get("number"))  # type: ignore[arg-type]
    return OutboxItem(
        id=entry.id,
        seq=entry.seq,
        wire_seq=entry.wire_seq,
        mutation_id=entry.mutation_id,
        name=entry.name,
        entity_id=entry.entity_id,
        description=describe(session, entry, number),
        incident_number=number,
        payload=MappingProxyType(dict(entry.payload)),
        base=MappingProxyType(dict(entry.base)),
        state=OutboxState(entry.state),
        error_code=entry.error_code,
        error_reason=entry.error,
        created_at=entry.created_at,
        settled_at=entry.settled_at,
        superseded_by=entry.superseded_by,
    )


def describe(session: Session, entry: OutboxEntry, number: str | None) -> str:
    """One line a person understands: what the change was, and to what."""
    payload: dict[str, Any] = entry.payload
    target = number or "an incident"
    name = entry.name
    if name == "create_incident":
        return f"Log {target}: {payload.get('title') or ''}".rstrip(": ")
    if name == "update_fields":
        fields = ", ".join(FIELD_LABELS.get(key, key.replace("_", " ")) for key in payload)
        return f"Change {fields} of {target}"
    if name == "change_status":
        status = str(payload.get("status") or "?").replace("_", " ")
        return f"Set {target} to {status}"
    if name == "reassign":
        return f"Reassign {target}"
    if name == "escalate":
        return f"Escalate {target} ({payload.get('kind') or '?'}): {payload.get('reason') or ''}".rstrip(": ")
    if name == "save_knowledge":
        return f"Keep a known error: {payload.get('symptom') or ''}".rstrip(": ")
    if name == "add_note":
        return f"Add a {payload.get('kind') or ''} note to {target}".replace("a  note", "a note")
    if name == "create_reporter":
        return f"Add reporter {payload.get('name')}" + (f" <{payload['email']}>" if payload.get("email") else "")
    if name == "create_category":
        return f"Add category {payload.get('path')}"
    if name == "update_category":
        category = session.get(Category, entry.entity_id)
        return f"Change category {category.path if category else entry.entity_id}: " + ", ".join(sorted(payload))
    if name == "create_group":
        return f"Add group {payload.get('name')}"
    if name == "add_group_member":
        group = session.get(Group, entry.entity_id)
        return f"Add a member to group {group.name if group else entry.entity_id}"
    if name == "create_agent":
        return f"Add agent {payload.get('name')} ({payload.get('username')})"
    if name == "update_agent":
        return f"Rename agent to {payload.get('name')}"
    return name.replace("_", " ").capitalize()


def conflict_views(session: Session, *, include_resolved: bool) -> list[ConflictView]:
    stmt = select(Conflict)
    if not include_resolved:
        stmt = stmt.where(Conflict.resolved_at.is_(None))
    return [to_conflict_view(session, row) for row in session.scalars(stmt.order_by(Conflict.created_at, Conflict.id))]


def to_conflict_view(session: Session, row: Conflict) -> ConflictView:
    incident = session.get(Incident, row.incident_id)
    return ConflictView(
        id=row.id,
        server_id=row.server_id,
        incident_id=row.incident_id,
        incident_number=format_number(incident.number) if incident else None,
        incident_title=incident.title if incident else None,
        field=row.field,
        base=row.base,
        mine=row.mine,
        theirs=row.theirs,
        winner="mine" if row.winner == "mine" else "theirs",
        mutation_id=row.mutation_id,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        resolution=row.resolution,
        resolution_sent=row.resolution_sent,
    )


def entry_or_fail(session: Session, entry_id: uuid.UUID) -> OutboxEntry:
    entry = session.get(OutboxEntry, entry_id)
    if entry is None:
        raise NotFoundError(f"There is no outbox entry {entry_id}.")
    return entry
