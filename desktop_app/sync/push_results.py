"""The local side of a push: choosing the next batch, and recording what the server answered.

Wire seqs are given at send time, contiguously, and never change after: a retry resends the same
mutation under the same seq, so the server can answer it from its stored results (exactly once).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.models import Agent, Category, Group, Incident, Note, OutboxEntry, Reporter, group_members
from desktop_app.services.category_admin import restore_refused_update
from desktop_app.services.transaction import WriteScope, next_counter
from desktop_app.sync.attachment_apply import ATTACHMENT_MUTATIONS, settle_attachment_result
from desktop_app.sync.conflict_store import record_field_conflicts
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.message_apply import settle_message_result
from desktop_app.sync.overlay import (
    ALL_FIELDS,
    INCIDENT_MUTATIONS,
    NOTE_MUTATIONS,
    forget_local_history,
    pending_touches,
    predicted_server_values,
    record_server_values,
    settle_incident,
)
from desktop_app.sync.remap import remap_id
from sync_protocol.schemas import Mutation, MutationResult, PushResponse

DIRECTORY_KIND = {
    "create_reporter": "reporter",
    "create_category": "category",
    "update_category": "category",
    "create_group": "group",
    "add_group_member": "group",
    "create_agent": "agent",
    "update_agent": "agent",
}
_CREATED_ROW = {"create_reporter": Reporter, "create_category": Category, "create_group": Group, "create_agent": Agent}


@dataclass
class PushOutcome:
    applied: int = 0
    rejected: int = 0
    conflicts: int = 0
    numbers_assigned: int = 0
    # Answers for mutation ids this client did not send under that seq (its wire counter is behind).
    foreign: list[uuid.UUID] = field(default_factory=list)


def next_batch(
    scope: WriteScope, limit: int, resend_from: int | None, hold: Callable[[OutboxEntry], bool] | None = None
) -> list[Mutation]:
    """Already-numbered pending entries first (a lost answer), then new ones get the next wire seqs.

    After a seq gap (``resend_from``) every entry numbered above it goes again, whatever its state:
    the server lost them, and the seqs must stay contiguous. New entries stop before the first one
    ``hold`` names (an attach_file whose bytes are not uploaded yet), keeping the outbox's order.
    """
    session = scope.session
    numbered = select(OutboxEntry).where(OutboxEntry.wire_seq.is_not(None))
    if resend_from is not None:
        numbered = numbered.where(OutboxEntry.wire_seq > resend_from)
    else:
        numbered = numbered.where(OutboxEntry.state == OutboxState.PENDING)
    batch = list(session.scalars(numbered.order_by(OutboxEntry.wire_seq).limit(limit)))
    if len(batch) < limit:
        fresh = list(
            session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.state == OutboxState.PENDING, OutboxEntry.wire_seq.is_(None))
                .order_by(OutboxEntry.seq)
                .limit(limit - len(batch))
            )
        )
        for entry in _cut_before_dependants(fresh):
            if hold is not None and hold(entry):
                break
            entry.wire_seq = next_counter(session, "wire_seq")
            batch.append(entry)
    session.flush()
    return [to_wire(entry) for entry in batch]


def _cut_before_dependants(entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """End the batch after a directory create that a later entry refers to.

    The server may answer that create with another id (the same e-mail or path exists); the later
    entries must be rewritten to that id before they are numbered and sent.
    """
    for index, entry in enumerate(entries[:-1]):
        if entry.name not in _CREATED_ROW:
            continue
        needle = str(entry.entity_id)
        if any(needle in map(str, later.payload.values()) for later in entries[index + 1 :]):
            return entries[: index + 1]
    return entries


def to_wire(entry: OutboxEntry) -> Mutation:
    assert entry.wire_seq is not None
    return Mutation(
        mutation_id=entry.mutation_id,
        seq=entry.wire_seq,
        name=entry.name,  # type: ignore[arg-type]  # written by the services from the same vocabulary
        entity_id=entry.entity_id,
        payload=entry.payload,
        base=entry.base,
        hlc=entry.hlc,
        device_time=entry.created_at,
    )


def record_results(
    scope: WriteScope, response: PushResponse, sent: list[Mutation], user_id: uuid.UUID | None, *, resending: bool
) -> PushOutcome:
    session = scope.session
    outcome = PushOutcome()
    sent_ids = {m.mutation_id for m in sent}
    entries = {
        e.mutation_id: e
        for e in session.scalars(select(OutboxEntry).where(OutboxEntry.mutation_id.in_(sent_ids))).all()
    }
    incidents: set[uuid.UUID] = set()
    for result in response.results:
        entry = entries.get(result.mutation_id)
        if entry is None:
            outcome.foreign.append(result.mutation_id)
            continue
        if entry.state != OutboxState.PENDING and not resending:
            continue  # another process of this client (the CLI beside the GUI) recorded it already
        was_discarded = entry.state == OutboxState.DISCARDED
        _record(entry, result, scope)
        if was_discarded:
            entry.state = OutboxState.DISCARDED  # the user gave it up; keep the new answer for history
        if result.outcome == "applied":
            outcome.applied += 1
        elif result.outcome == "rejected":
            outcome.rejected += 1
        else:
            outcome.conflicts += 1
        if entry.name in INCIDENT_MUTATIONS:
            incidents.add(entry.entity_id)
            outcome.numbers_assigned += _incident_effects(session, entry, result, user_id, scope)
        elif entry.name in ATTACHMENT_MUTATIONS:
            settle_attachment_result(session, entry, result)
        elif entry.name == "send_message":
            settle_message_result(session, entry.payload, result)
        else:
            _directory_effects(session, entry, result, scope)
    session.flush()
    for incident_id in incidents:
        settle_incident(session, incident_id, scope.now)
    return outcome


def _record(entry: OutboxEntry, result: MutationResult, scope: WriteScope) -> None:
    entry.state = OutboxState(result.outcome)
    entry.result = result.model_dump(mode="json")
    entry.error_code = result.code
    entry.error = (
        (result.reason or result.code or "refused by the server")[:1000] if result.outcome == "rejected" else None
    )
    entry.settled_at = scope.now


def _incident_effects(
    session: Session, entry: OutboxEntry, result: MutationResult, user_id: uuid.UUID | None, scope: WriteScope
) -> int:
    if result.conflicts:
        record_field_conflicts(
            session,
            incident_id=entry.entity_id,
            mutation_id=entry.mutation_id,
            user_id=user_id,
            conflicts=list(result.conflicts),
            at=result.server_time,
        )
    if result.outcome == "rejected":
        forget_local_history(session, entry.mutation_id)
        if entry.name in NOTE_MUTATIONS and entry.payload.get("note_id"):
            session.execute(delete(Note).where(Note.id == uuid.UUID(str(entry.payload["note_id"]))))
        return 0
    incident = session.get(Incident, entry.entity_id)
    if incident is None:
        return 0
    session.flush()
    # Values the server decided: conflict winners, and ids it read through its aliases (a reporter
    # or category it already had under another id), which the client must adopt.
    decided = {key: value for key, value in result.assigned.items() if key in ALL_FIELDS and key != "number"}
    decided |= {c.field: (c.mine if c.winner == "mine" else c.theirs) for c in result.conflicts}
    numbered = 0
    if result.assigned.get("number") is not None:
        decided["number"] = int(result.assigned["number"])
        numbered = int(incident.number is None)
    still_pending = pending_touches(session, [incident.id]).get(incident.id, set())
    record_server_values(session, incident, predicted_server_values(entry, incident, still_pending, decided))
    return numbered


def _directory_effects(session: Session, entry: OutboxEntry, result: MutationResult, scope: WriteScope) -> None:
    kind = DIRECTORY_KIND.get(entry.name)
    assigned = result.assigned.get("id")
    if kind is not None and assigned and entry.name in _CREATED_ROW:
        server_id = uuid.UUID(str(assigned))
        if server_id != entry.entity_id:
            remap_id(session, kind, entry.entity_id, server_id, scope.now)
    if result.outcome != "rejected":
        return
    if entry.name == "add_group_member" and entry.payload.get("agent_id"):
        agent_id = uuid.UUID(str(entry.payload["agent_id"]))
        session.execute(
            delete(group_members).where(
                group_members.c.group_id == entry.entity_id, group_members.c.agent_id == agent_id
            )
        )
    elif entry.name in _CREATED_ROW:
        remove_refused_row(session, _CREATED_ROW[entry.name], entry.entity_id)
    elif entry.name == "update_category":
        restore_refused_update(session, entry.entity_id, entry.base)


def remove_refused_row(session: Session, model: type, row_id: uuid.UUID) -> None:
    """The server refused to create it: the local copy goes too, unless something here still needs it."""
    row = session.get(model, row_id)
    if row is None:
        return
    try:
        with session.begin_nested():
            session.delete(row)
            session.flush()
    except IntegrityError:
        pass  # still referenced (a child category...): it stays, and its refusal stays in Errors
