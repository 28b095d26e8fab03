"""The caller's conflict inbox: list, keep theirs, or restore mine as a new change (audited, chained)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from central_server.context import ServerContext
from central_server.domain.enums import Status
from central_server.domain.errors import RejectionError
from central_server.domain.hlc import server_hlc
from central_server.domain.incident_fields import UPDATABLE
from central_server.domain.merge import Stamp
from central_server.domain.permissions import Actor
from central_server.domain.priority import PRIORITY_GROUP, as_dict, consistent, group_stamp
from central_server.models import Conflict, Incident
from central_server.services.audit_chain import LogRecord, append_entry
from central_server.services.errors import RequestRefusedError, forbidden, not_found
from central_server.services.mutations.incident_editor import IncidentEditor
from central_server.services.serialize import conflict_record
from central_server.services.transaction import WriteUnit, read_session, write_unit
from central_server.services.visibility import incident_visible
from sync_protocol.schemas import ConflictRecord, ConflictResolution


def list_conflicts(ctx: ServerContext, actor: Actor) -> list[ConflictRecord]:
    with read_session(ctx) as session:
        rows = session.scalars(
            select(Conflict)
            .where(Conflict.user_id == actor.id, Conflict.resolved_at.is_(None))
            .order_by(Conflict.created_at, Conflict.id)
        )
        return [conflict_record(row) for row in rows]


def resolve_conflict(
    ctx: ServerContext, actor: Actor, conflict_id: uuid.UUID, resolution: ConflictResolution
) -> ConflictRecord:
    with write_unit(ctx) as unit:
        conflict = unit.session.get(Conflict, conflict_id)
        if conflict is None or conflict.user_id != actor.id:
            raise not_found("There is no such conflict in your inbox.")
        if conflict.resolved_at is not None:
            if conflict.resolution == resolution.resolution:
                return conflict_record(conflict)  # a retried request
            raise RequestRefusedError(409, "already_resolved", f"This conflict was resolved: {conflict.resolution}.")
        race = _same_race(unit, conflict)
        if resolution.resolution == "restored_mine":
            _restore_mine(unit, ctx, actor, conflict, race)
        for row in race:
            row.resolved_at = unit.now
            row.resolution = resolution.resolution
            unit.changed("conflict", row.id)
        append_entry(
            unit.session,
            LogRecord(
                name=f"resolve_conflict:{resolution.resolution}",
                outcome="applied",
                server_time=unit.now,
                mutation_id=conflict.mutation_id,
                entity_id=conflict.incident_id,
                user_id=actor.id,
                reason=f"field {', '.join(row.field for row in race)}",
            ),
        )
        return conflict_record(conflict)


def _same_race(unit: WriteUnit, conflict: Conflict) -> list[Conflict]:
    """The conflict, and for a priority-group field its unresolved siblings from the same race (one record per
    differing group field, written together): the group is resolved, and restored, as a unit."""
    if conflict.field not in PRIORITY_GROUP:
        return [conflict]
    siblings = unit.session.scalars(
        select(Conflict).where(
            Conflict.incident_id == conflict.incident_id,
            Conflict.user_id == conflict.user_id,
            Conflict.mutation_id == conflict.mutation_id,
            Conflict.created_at == conflict.created_at,
            Conflict.field.in_(PRIORITY_GROUP),
            Conflict.resolved_at.is_(None),
        )
    )
    return sorted({conflict, *siblings}, key=lambda row: PRIORITY_GROUP.index(row.field))


def _restore_mine(unit: WriteUnit, ctx: ServerContext, actor: Actor, conflict: Conflict, race: list[Conflict]) -> None:
    incident = unit.session.get(Incident, conflict.incident_id)
    if incident is None:
        raise not_found("The incident of this conflict is gone.")
    if not incident_visible(actor, incident):
        raise forbidden("The incident is no longer visible to you; ask a supervisor to restore the value.")
    if Status(incident.status).is_read_only:
        raise RequestRefusedError(409, "read_only", f"The incident is {incident.status}; reopen it first.")
    try:
        values = {row.field: UPDATABLE[row.field](row.field, row.mine) for row in race}
    except RejectionError as exc:
        raise RequestRefusedError(422, "validation_error", exc.reason) from exc
    fields = list(values)
    if conflict.field in PRIORITY_GROUP:
        # The losing group over the current one, made consistent: never a priority without its reason.
        fields = list(PRIORITY_GROUP)
        values = as_dict(consistent({name: getattr(incident, name) for name in PRIORITY_GROUP} | values))
    current = group_stamp(Stamp.from_json(incident.field_stamps.get(name)) for name in fields)
    # A server-made write that is later than the value it replaces, even one from a fast device clock.
    stamp = Stamp(
        hlc=server_hlc(unit.now, after=current.hlc),
        client=str(ctx.server_id),
        user=str(actor.id),
        mutation=str(conflict.mutation_id),
    )
    editor = IncidentEditor(
        unit, incident, actor_id=actor.id, mutation_id=conflict.mutation_id, device_time=unit.now, stamp=stamp
    )
    for name in fields:
        editor.set(name, values[name])
        editor.restamp(name, stamp)
    editor.finish()
