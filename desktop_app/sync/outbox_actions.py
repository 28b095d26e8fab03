"""What a user does in the Errors view: resend a refused change (maybe fixed), or discard it.

A refusal already took the change back locally (the server did not make it). Resending makes it
again, here and in the outbox, as a new mutation (new seq, new mutation id) made against the values
the incident holds now; the refused entry is kept, discarded, pointing at its successor.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, insert, select

from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.models import Agent, Category, Group, Incident, IncidentShadow, Note, OutboxEntry, Reporter
from desktop_app.models import group_members as members
from desktop_app.services.numbering import next_incident_number
from desktop_app.services.reporter_service import digits_of
from desktop_app.services.transaction import WriteScope
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.outbox_views import entry_or_fail
from desktop_app.sync.overlay import (
    INCIDENT_MUTATIONS,
    NOTE_MUTATIONS,
    explicit_values,
    forget_local_history,
    settle_incident,
)
from desktop_app.sync.push_results import remove_refused_row
from desktop_app.sync.wire import column_value, incident_columns, wire_value
from sync_protocol.workflow_rules import escalation_note_body, reopen_note_body

_TABLE = Incident.__table__


def discard_entry(scope: WriteScope, entry_id: uuid.UUID) -> OutboxEntry:
    entry = entry_or_fail(scope.session, entry_id)
    if entry.state == OutboxState.PENDING and entry.wire_seq is None:
        _take_back(scope, entry)
        entry.error_code = entry.error_code or "discarded"
        entry.error = entry.error or "Discarded before it was sent."
    elif entry.state != OutboxState.REJECTED:
        raise ValidationError(
            f"Only refused changes, or changes not sent yet, can be discarded; this one is {entry.state}."
        )
    entry.state = OutboxState.DISCARDED
    entry.settled_at = scope.now
    return entry


def resend_entry(scope: WriteScope, entry_id: uuid.UUID, changes: dict[str, Any] | None) -> OutboxEntry:
    old = entry_or_fail(scope.session, entry_id)
    if old.state != OutboxState.REJECTED:
        raise ValidationError(f"Only refused changes can be resent; this one is {old.state}.")
    payload = dict(old.payload) | {key: wire_value(value) for key, value in (changes or {}).items()}
    mutation_id = _redo(scope, old, payload)
    scope.session.flush()
    new = scope.session.scalars(select(OutboxEntry).where(OutboxEntry.mutation_id == mutation_id)).one()
    old.state = OutboxState.DISCARDED
    old.superseded_by = new.id
    old.settled_at = scope.now
    return new


def _redo(scope: WriteScope, old: OutboxEntry, payload: dict[str, Any]) -> uuid.UUID:
    session, name, entity_id = scope.session, old.name, old.entity_id
    if name == "create_incident":
        _recreate_incident(scope, old, payload)
        mutation_id = scope.enqueue(name, entity_id, payload)
        scope.audit(entity_id, "created", None, payload.get("number"), mutation_id)
        return mutation_id
    if name in ("update_fields", "change_status", "reassign", "escalate"):
        incident = session.get(Incident, entity_id)
        if incident is None:
            raise NotFoundError("That incident is not here any more: resend the change that logged it first.")
        values = {key: column_value(_TABLE, key, value) for key, value in explicit_values(name, payload).items()}
        base = {key: getattr(incident, key) for key in values} | {"version": incident.version}
        mutation_id = scope.enqueue(name, entity_id, payload, base)
        for key, value in values.items():
            if getattr(incident, key) != value:
                scope.audit(incident.id, key, getattr(incident, key), value, mutation_id)
                setattr(incident, key, value)
        incident.version += 1
        incident.updated_at = scope.now
        _recreate_carried_note(scope, old, payload)
        return mutation_id
    if name == "add_note":
        note_id = uuid.UUID(str(payload["note_id"]))
        if session.get(Incident, entity_id) is None:
            raise NotFoundError("That incident is not here any more: resend the change that logged it first.")
        if session.get(Note, note_id) is None:
            session.add(
                Note(
                    id=note_id,
                    incident_id=entity_id,
                    kind=str(payload.get("kind") or "worklog"),
                    body=str(payload.get("body") or ""),
                    author_id=scope.actor_id,
                    created_at=old.created_at,
                )
            )
        return scope.enqueue(name, entity_id, payload)
    _recreate_directory_row(scope, old, payload)
    return scope.enqueue(name, entity_id, payload, dict(old.base))


def _recreate_carried_note(scope: WriteScope, old: OutboxEntry, payload: dict[str, Any]) -> None:
    """An escalation's or a reopen's note, dropped when the server refused it, is back with the resend
    (the server writes its own version under the same id; pull replaces this one)."""
    note_id = payload.get("note_id")
    if old.name not in ("escalate", "change_status") or not note_id:
        return
    note_id = uuid.UUID(str(note_id))
    if scope.session.get(Note, note_id) is not None:
        return
    reason = str(payload.get("reason") or "")
    if old.name == "escalate":
        kind, body = "escalation", escalation_note_body(str(payload.get("kind") or ""), "the chosen team", reason)
    else:
        kind, body = "system", reopen_note_body(str(old.base.get("status") or "resolved"), reason)
    scope.session.add(
        Note(
            id=note_id,
            incident_id=old.entity_id,
            kind=kind,
            body=body,
            author_id=scope.actor_id,
            created_at=old.created_at,
            details={"kind": payload.get("kind"), "reason": reason} if old.name == "escalate" else None,
        )
    )


def _recreate_incident(scope: WriteScope, old: OutboxEntry, payload: dict[str, Any]) -> None:
    session = scope.session
    values = incident_columns(payload)
    number = values.get("number")
    taken = number is not None and session.scalar(
        select(Incident.id).where(Incident.number == number, Incident.id != old.entity_id)
    )
    if number is None or taken:
        number = next_incident_number(session)
    values["number"] = payload["number"] = number
    incident = session.get(Incident, old.entity_id)
    if incident is None:
        session.add(
            Incident(
                id=old.entity_id,
                created_by_id=scope.actor_id,
                created_at=old.created_at,
                updated_at=scope.now,
                version=1,
                **values,
            )
        )
    else:
        for key, value in values.items():
            setattr(incident, key, value)
    session.flush()


def _recreate_directory_row(scope: WriteScope, old: OutboxEntry, payload: dict[str, Any]) -> None:
    session, row_id, now = scope.session, old.entity_id, scope.now
    if old.name == "create_reporter" and session.get(Reporter, row_id) is None:
        name = str(payload.get("name") or "")
        session.add(
            Reporter(
                id=row_id,
                name=name,
                name_key=name.casefold(),
                email=payload.get("email"),
                phone=payload.get("phone"),
                phone_digits=digits_of(payload.get("phone")),
                department=payload.get("department"),
                location=payload.get("location"),
                is_vip=bool(payload.get("is_vip")),
                created_at=now,
                updated_at=now,
            )
        )
    elif old.name == "create_category" and session.get(Category, row_id) is None:
        path = str(payload.get("path") or "")
        parent = payload.get("parent_id")
        session.add(
            Category(
                id=row_id,
                name=path.split(" > ")[-1],
                path=path,
                parent_id=uuid.UUID(str(parent)) if parent else None,
                depth=path.count(" > "),
            )
        )
    elif old.name == "create_group" and session.get(Group, row_id) is None:
        session.add(Group(id=row_id, name=payload.get("name"), description=payload.get("description"), created_at=now))
    elif old.name == "create_agent" and session.get(Agent, row_id) is None:
        session.add(
            Agent(
                id=row_id,
                name=payload.get("name"),
                username=payload.get("username"),
                email=payload.get("email"),
                created_at=now,
            )
        )
    elif old.name == "add_group_member" and payload.get("agent_id"):
        row = {"group_id": row_id, "agent_id": uuid.UUID(str(payload["agent_id"]))}
        session.execute(insert(members).prefix_with("OR IGNORE"), [row])
    session.flush()


def _take_back(scope: WriteScope, entry: OutboxEntry) -> None:
    """Undo a never-sent change locally: back to the server's copy, or to the values it was made against."""
    session = scope.session
    entry.state = OutboxState.DISCARDED  # no longer pending: the overlay must not count it
    session.flush()
    if entry.name in INCIDENT_MUTATIONS:
        forget_local_history(session, entry.mutation_id)
        if entry.name in NOTE_MUTATIONS and entry.payload.get("note_id"):
            session.execute(delete(Note).where(Note.id == uuid.UUID(str(entry.payload["note_id"]))))
        incident = session.get(Incident, entry.entity_id)
        if incident is not None and session.get(IncidentShadow, incident.id) is None:
            for key, value in entry.base.items():
                if key != "version" and key in _TABLE.c:
                    setattr(incident, key, column_value(_TABLE, key, value))
        session.flush()
        settle_incident(session, entry.entity_id, scope.now)
    elif entry.name == "add_group_member" and entry.payload.get("agent_id"):
        agent_id = uuid.UUID(str(entry.payload["agent_id"]))
        session.execute(delete(members).where(members.c.group_id == entry.entity_id, members.c.agent_id == agent_id))
    elif entry.name.startswith("create_"):
        model = {"create_reporter": Reporter, "create_category": Category, "create_group": Group}.get(entry.name)
        if model is not None:
            remove_refused_row(session, model, entry.entity_id)
