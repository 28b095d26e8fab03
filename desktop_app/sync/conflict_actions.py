"""Resolving a conflict: keep the value that won, or bring the other one back as a new change.

Choosing the side that did not win writes that value here and queues an ``update_fields`` mutation
(so it works offline and goes through the server's per-field policy like any edit). The choice itself
is told to the server on the next sync, after that mutation, so its Conflicts inbox empties too.
"""

from __future__ import annotations

import uuid

from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.models import Conflict, Incident
from desktop_app.services.transaction import WriteScope
from desktop_app.sync.conflict_store import RESOLUTION_NAMES, unsent_resolutions, upsert_conflict_record
from desktop_app.sync.dtos import ConflictChoice
from desktop_app.sync.http import ApiClient
from desktop_app.sync.store import SyncStore
from desktop_app.sync.wire import INCIDENT_FIELDS, column_value
from sync_protocol.schemas import ConflictResolution

_TABLE = Incident.__table__


def resolve_locally(scope: WriteScope, conflict_id: uuid.UUID, choice: ConflictChoice) -> Conflict:
    if choice not in RESOLUTION_NAMES:
        raise ValidationError(f"Choose keep_theirs or restore_mine, not {choice!r}.")
    session = scope.session
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFoundError("That conflict is no longer in the inbox.")
    if conflict.resolved_at is not None:
        raise ValidationError(f"That conflict was already resolved ({conflict.resolution}).")
    wanted_side = "mine" if choice == "restore_mine" else "theirs"
    if wanted_side != conflict.winner:
        _write_back(scope, conflict, conflict.mine if wanted_side == "mine" else conflict.theirs)
    conflict.resolution = choice
    conflict.resolved_at = scope.now
    conflict.resolution_sent = False
    return conflict


def _write_back(scope: WriteScope, conflict: Conflict, wire_value: object) -> None:
    if conflict.field not in INCIDENT_FIELDS:
        raise ValidationError(f"The field {conflict.field!r} cannot be set from here.")
    incident = scope.session.get(Incident, conflict.incident_id)
    if incident is None:
        raise NotFoundError("That incident is no longer here (deleted, or no longer visible to you).")
    value = column_value(_TABLE, conflict.field, wire_value)
    current = getattr(incident, conflict.field)
    if current == value:
        return
    mutation_id = scope.enqueue(
        "update_fields", incident.id, {conflict.field: value}, {conflict.field: current, "version": incident.version}
    )
    scope.audit(incident.id, conflict.field, current, value, mutation_id)
    setattr(incident, conflict.field, value)
    incident.version += 1
    incident.updated_at = scope.now
    scope.changed("incident", incident.id)


def send_resolutions(store: SyncStore, api: ApiClient, warnings: list[str]) -> int:
    """Tell the server what was chosen here. Conflicts known only from a push result get their id first."""
    with store.read() as session:
        waiting = [(c.id, c.server_id, c.resolution) for c in unsent_resolutions(session)]
    if not waiting:
        return 0
    if any(server_id is None for _, server_id, _ in waiting):
        refresh_conflicts(store, api)
        with store.read() as session:
            waiting = [(c.id, c.server_id, c.resolution) for c in unsent_resolutions(session)]
    sent = 0
    for local_id, server_id, resolution in waiting:
        if server_id is None or resolution not in RESOLUTION_NAMES:
            continue  # the server has not listed it yet; try again next sync
        try:
            api.resolve_conflict(server_id, ConflictResolution(resolution=RESOLUTION_NAMES[resolution]))
        except ProtocolError as exc:
            # Already resolved on the server (another device), or gone: nothing more to tell it.
            warnings.append(f"The server did not take a conflict resolution ({exc.message}).")
        _mark_sent(store, local_id)
        sent += 1
    return sent


def refresh_conflicts(store: SyncStore, api: ApiClient) -> int:
    records = api.conflicts()
    with store.write() as scope:
        for record in records:
            upsert_conflict_record(scope.session, record)
    return len(records)


def _mark_sent(store: SyncStore, conflict_id: uuid.UUID) -> None:
    with store.write() as scope:
        conflict = scope.session.get(Conflict, conflict_id)
        if conflict is not None:
            conflict.resolution_sent = True
