"""The local overlay: an incident here = the server's copy (its shadow) + the fields of pending mutations.

Pulling never overwrites a field that a still-pending local mutation touched; when that mutation is
answered (or discarded) the field falls back to what the server holds. That is how an offline edit
survives a pull, and how a refused one disappears without another download.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.models import AuditEvent, Incident, IncidentShadow, OutboxEntry
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.wire import INCIDENT_FIELDS, incident_columns, wire_value

ALL_FIELDS = frozenset(INCIDENT_FIELDS)
STATUS_FIELDS = frozenset(
    {"status", "hold_reason", "resolution_code", "root_cause", "resolution_steps", "resolved_at", "closed_at"}
    | {"root_cause_category", "reporter_informed", "reporter_not_informed_reason"}
)
# Reassigning (and escalating) may also move New ⇄ Assigned.
REASSIGN_FIELDS = frozenset({"group_id", "assignee_id", "status"})
INCIDENT_MUTATIONS = frozenset(
    {"create_incident", "update_fields", "change_status", "reassign", "add_note", "escalate"}
)
# Mutations that carry a note the client wrote too (payload ``note_id``): an escalation, a reopen's reason.
NOTE_MUTATIONS = frozenset({"add_note", "escalate", "change_status", "send_message"})
_CHUNK = 500


def touched_fields(name: str, payload: dict[str, Any]) -> frozenset[str]:
    """The incident fields a mutation sets locally (and so overlays until it is answered)."""
    if name == "create_incident":
        return ALL_FIELDS
    if name == "update_fields":
        return frozenset(payload) & ALL_FIELDS
    if name == "change_status":
        return STATUS_FIELDS
    if name in ("reassign", "escalate"):
        return REASSIGN_FIELDS
    return frozenset()


def pending_touches(session: Session, incident_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    """Per incident with pending mutations: the fields they touch (an empty set for notes only)."""
    ids = list(dict.fromkeys(incident_ids))
    touches: dict[uuid.UUID, set[str]] = defaultdict(set)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(OutboxEntry.entity_id, OutboxEntry.name, OutboxEntry.payload).where(
                OutboxEntry.entity_id.in_(ids[start : start + _CHUNK]),
                OutboxEntry.state == OutboxState.PENDING,
                OutboxEntry.name.in_(INCIDENT_MUTATIONS),
            )
        ).all()
        for entity_id, name, payload in rows:
            touches[entity_id] |= touched_fields(name, payload)
    return dict(touches)


def explicit_values(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The wire values a mutation states outright for incident fields."""
    if name in ("create_incident", "update_fields", "change_status"):
        return {key: value for key, value in payload.items() if key in ALL_FIELDS}
    if name in ("reassign", "escalate"):
        return {key: payload.get(key) for key in ("group_id", "assignee_id")}
    return {}


def predicted_server_values(
    entry: OutboxEntry,
    incident: Incident,
    still_pending: set[str],
    decided: dict[str, Any],
) -> dict[str, Any]:
    """What the server holds now for the fields an applied mutation touched.

    ``decided`` are values the server told us (conflict winners, an assigned number). Side effects
    the payload does not state (status after a reassign, resolved_at) are taken from the local row,
    unless a later pending mutation touched that field too, in which case the local value is not this
    mutation's and the next pull will say.
    """
    stated = explicit_values(entry.name, entry.payload) | decided
    values: dict[str, Any] = {}
    for name in touched_fields(entry.name, entry.payload):
        if name in stated:
            values[name] = stated[name]
        elif name not in still_pending:
            values[name] = wire_value(getattr(incident, name))
        elif entry.name == "create_incident":
            values[name] = None  # at creation it was empty; the later pending change is not the server's yet
    return values


def record_server_values(session: Session, incident: Incident, values: dict[str, Any]) -> None:
    shadow = session.get(IncidentShadow, incident.id)
    if shadow is None:
        shadow = IncidentShadow(incident_id=incident.id, version=incident.version, data={"id": str(incident.id)})
        session.add(shadow)
    shadow.data = dict(shadow.data) | values  # a new dict: the JSON column only sees assignment


def settle_incident(session: Session, incident_id: uuid.UUID, now: datetime) -> bool:
    """Re-derive the local row from the shadow and what is still pending. Returns False if it was removed.

    No shadow and nothing pending: the server never accepted this incident (its create was refused
    or discarded, or it was withdrawn from this user while changes were pending): it goes, and the
    refused mutation in the Errors view keeps what was typed.
    """
    incident = session.get(Incident, incident_id)
    if incident is None:
        return False
    touches = pending_touches(session, [incident_id])
    shadow = session.get(IncidentShadow, incident_id)
    if shadow is None:
        if incident_id not in touches:
            session.delete(incident)
            session.flush()
            return False
        return True
    still_pending = touches.get(incident_id, set())
    for name, value in incident_columns(shadow.data).items():
        if name in still_pending:
            continue
        if name == "number":
            assign_number(session, incident, value, now)
        elif name == "parent_id" and value is not None and session.get(Incident, value) is None:
            incident.parent_id = None  # the parent is not visible to this user
        else:
            setattr(incident, name, value)
    return True


def assign_number(session: Session, incident: Incident, number: int | None, now: datetime) -> None:
    """Give the incident the server's number, recorded in its history as a system change (no outbox).

    The server's numbering is the authority: an incident here holding the same number (from this
    client's standalone days) gives it up and shows as pending until the server numbers it too.
    """
    if incident.number == number or number is None:
        return
    holder = session.scalar(select(Incident).where(Incident.number == number, Incident.id != incident.id))
    if holder is not None:
        _system_audit(session, holder.id, "number", holder.number, None, now)
        holder.number = None
        session.flush()
    _system_audit(session, incident.id, "number", incident.number, number, now)
    incident.number = number
    session.flush()


def clear_number_collisions(session: Session, wanted: dict[uuid.UUID, int], now: datetime) -> None:
    """Before a page of server incidents is written: free the numbers they bring (see assign_number)."""
    numbers = list(wanted.values())
    for start in range(0, len(numbers), _CHUNK):
        holders = session.execute(
            select(Incident.id, Incident.number).where(Incident.number.in_(numbers[start : start + _CHUNK]))
        ).all()
        for holder_id, number in holders:
            if wanted.get(holder_id) == number:
                continue
            if holder_id not in wanted:
                _system_audit(session, holder_id, "number", number, None, now)
            holder = session.get(Incident, holder_id)
            if holder is not None:
                holder.number = None
    session.flush()


def forget_local_history(session: Session, mutation_id: uuid.UUID) -> None:
    """A refused mutation did not happen: its local audit events go (the Errors view keeps the intent)."""
    session.execute(delete(AuditEvent).where(AuditEvent.mutation_id == mutation_id, AuditEvent.server_time.is_(None)))


def _system_audit(
    session: Session, incident_id: uuid.UUID, field: str, old: int | None, new: int | None, now: datetime
) -> None:
    session.add(
        AuditEvent(
            incident_id=incident_id,
            field=field,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
            actor_id=None,
            device_time=now,
            mutation_id=None,
        )
    )
