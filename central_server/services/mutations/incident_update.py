"""update_fields: per field, apply when unchanged since the base, else last writer by HLC wins.

Impact, urgency, priority and the override reason merge as one field (domain/priority.py). A race
becomes a conflict record for both writers: the mutation's user, and the user whose value it met on
the server (winner "theirs" when this write overwrote it, "mine" when theirs stood), so whichever
client syncs first, both are told and both inboxes end up the same.
"""

from __future__ import annotations

import uuid
from typing import Any

from central_server.domain.errors import InvalidValueError
from central_server.domain.ids import new_id
from central_server.domain.incident_fields import UPDATABLE, comparable, parse_fields, to_wire
from central_server.domain.merge import FieldState, FieldWrite, MergeKind, MergeResult, Stamp, merge_field
from central_server.domain.priority import PRIORITY_GROUP, as_dict, consistent, group_stamp, merge_group
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
        if field in PRIORITY_GROUP:
            continue
        current = FieldState(getattr(incident, field), Stamp.from_json(incident.field_stamps.get(field)))
        result = merge_field(current, FieldWrite(base=base_values[field], value=value, stamp=scope.stamp()))
        _apply(editor, field, result)
        if result.is_conflict:
            conflicts.append(_record_conflicts(scope, incident, field, base_values[field], value, current, result))
    if any(field in PRIORITY_GROUP for field in new_values):
        conflicts.extend(_merge_priority_group(scope, editor, incident, new_values, adopted))
    editor.finish()
    return Applied(outcome="conflict" if conflicts else "applied", conflicts=conflicts, assigned=adopted)


def _merge_priority_group(
    scope: MutationScope,
    editor: IncidentEditor,
    incident: Incident,
    new_values: dict[str, Any],
    adopted: dict[str, Any],
) -> list[FieldConflict]:
    """Impact, urgency, priority and override reason as one field (domain/priority.py).

    The write's group is its payload over its base. A group field in neither (a v1.0 client sends the base of
    the changed fields only) is taken as the server's current value, i.e. as seen and left alone: exact when
    no concurrent write touched the group, which is why v1.1 clients send the base of all four.
    """
    current = {name: getattr(incident, name) for name in PRIORITY_GROUP}
    sent_base = scope.mutation.base
    base = current | comparable({k: sent_base[k] for k in PRIORITY_GROUP if k in sent_base}, UPDATABLE)
    value = base | {k: v for k, v in new_values.items() if k in PRIORITY_GROUP}
    stamp = group_stamp(Stamp.from_json(incident.field_stamps.get(name)) for name in PRIORITY_GROUP)
    result = merge_group(current, stamp, base, value, scope.stamp())
    if result.changes_value or result.kind == MergeKind.SAME_VALUE:
        for name, field_value in as_dict(result.state.value).items():
            editor.set(name, field_value, result.state.stamp)
            editor.restamp(name, result.state.stamp)
    if incident.priority != value["priority"]:
        # Not the priority this client holds (the matrix's, or the winner's): it must adopt the server's, and
        # a change row makes pull send the incident even when this write moved nothing.
        adopted["priority"] = incident.priority
        scope.unit.changed("incident", incident.id)
    if not result.is_conflict:
        return []
    mine = as_dict(consistent(value))
    return [
        _record_conflicts(scope, incident, name, base[name], mine[name], FieldState(current[name], stamp), result)
        for name in PRIORITY_GROUP
        if mine[name] != current[name]
    ]


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
    """Both sides are told: the mutation's user, and the user whose value this write met on the server (its
    stamp names them) - the overwritten one when this write won, the one whose value stood when it lost.
    So both inboxes hold the same records whichever client synced first."""
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
    other_user, other_mutation = current.stamp.user, current.stamp.mutation
    if other_user and other_mutation and scope.session.get(User, uuid.UUID(other_user)) is not None:
        add_conflict(
            scope.unit,
            incident_id=incident.id,
            field=field,
            base=base,
            mine=current.value,
            theirs=mine,
            winner="theirs" if winner == "mine" else "mine",
            mutation_id=uuid.UUID(other_mutation),
            user_id=uuid.UUID(other_user),
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
