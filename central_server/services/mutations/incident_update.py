"""update_fields: per field, apply when unchanged since the base, else last writer by HLC wins.

The losing value becomes a conflict record for the mutation's user. When this mutation's value wins
over a value another write put there concurrently, that writer gets a record too (winner "theirs"):
whichever client syncs first, the one whose value lost is told.
"""

from __future__ import annotations

import uuid
from typing import Any

from central_server.domain.errors import InvalidValueError
from central_server.domain.ids import new_id
from central_server.domain.incident_fields import UPDATABLE, comparable, parse_fields, to_wire
from central_server.domain.merge import FieldState, FieldWrite, MergeKind, MergeResult, Stamp, merge_field
from central_server.models import Conflict, Incident, User
from central_server.services.mutations.incident_create import resolve_references
from central_server.services.mutations.incident_editor import IncidentEditor
from central_server.services.mutations.scope import Applied, MutationScope, load_incident
from central_server.services.transaction import WriteUnit
from sync_protocol.schemas import FieldConflict


def update_fields(scope: MutationScope) -> Applied:
    payload = scope.mutation.payload
    if not payload:
        raise InvalidValueError("update_fields names no field.")
    incident = load_incident(scope, writable=True)
    new_values = parse_fields(payload, UPDATABLE, what="update_fields")
    missing_base = sorted(set(payload) - set(scope.mutation.base))
    if missing_base:
        raise InvalidValueError(f"update_fields needs the base value of {', '.join(missing_base)}.")
    base_values = comparable({k: scope.mutation.base[k] for k in payload}, UPDATABLE)
    adopted = resolve_references(scope.session, new_values)
    editor = IncidentEditor(
        scope.unit,
        incident,
        actor_id=scope.actor.id,
        mutation_id=scope.mutation.mutation_id,
        device_time=scope.device_time,
        stamp=scope.stamp(),
    )
    conflicts: list[FieldConflict] = []
    for field, value in new_values.items():
        current = FieldState(getattr(incident, field), Stamp.from_json(incident.field_stamps.get(field)))
        result = merge_field(current, FieldWrite(base=base_values[field], value=value, stamp=scope.stamp()))
        _apply(editor, field, result)
        if result.is_conflict:
            conflicts.append(_record_conflicts(scope, incident, field, base_values[field], value, current, result))
    editor.finish()
    return Applied(outcome="conflict" if conflicts else "applied", conflicts=conflicts, assigned=adopted)


def _apply(editor: IncidentEditor, field: str, result: MergeResult) -> None:
    if result.changes_value:
        editor.set(field, result.state.value, result.state.stamp)
    elif result.kind == MergeKind.SAME_VALUE:
        editor.restamp(field, result.state.stamp)


def _record_conflicts(
    scope: MutationScope,
    incident: Incident,
    field: str,
    base: Any,
    mine: Any,
    current: FieldState,
    result: MergeResult,
) -> FieldConflict:
    winner = "mine" if result.kind == MergeKind.MINE_WON else "theirs"
    add_conflict(
        scope.unit,
        incident_id=incident.id,
        field=field,
        base=base,
        mine=mine,
        theirs=current.value,
        winner=winner,
        mutation_id=scope.mutation.mutation_id,
        user_id=scope.actor.id,
    )
    overwritten_user, overwritten_mutation = current.stamp.user, current.stamp.mutation
    if (
        winner == "mine"
        and overwritten_user
        and overwritten_mutation
        and scope.session.get(User, uuid.UUID(overwritten_user)) is not None
    ):
        add_conflict(
            scope.unit,
            incident_id=incident.id,
            field=field,
            base=base,
            mine=current.value,
            theirs=mine,
            winner="theirs",
            mutation_id=uuid.UUID(overwritten_mutation),
            user_id=uuid.UUID(overwritten_user),
        )
    return FieldConflict(
        field=field, base=to_wire(base), mine=to_wire(mine), theirs=to_wire(current.value), winner=winner
    )


def add_conflict(
    unit: WriteUnit,
    *,
    incident_id: uuid.UUID,
    field: str,
    base: Any,
    mine: Any,
    theirs: Any,
    winner: str,
    mutation_id: uuid.UUID,
    user_id: uuid.UUID,
) -> Conflict:
    conflict = Conflict(
        id=new_id(),
        incident_id=incident_id,
        field=field,
        base=to_wire(base),
        mine=to_wire(mine),
        theirs=to_wire(theirs),
        winner=winner,
        mutation_id=mutation_id,
        user_id=user_id,
        created_at=unit.now,
    )
    unit.session.add(conflict)
    unit.changed("conflict", conflict.id)
    return conflict
