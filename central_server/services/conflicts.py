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
        if resolution.resolution == "restored_mine":
            _restore_mine(unit, ctx, actor, conflict)
        conflict.resolved_at = unit.now
        conflict.resolution = resolution.resolution
        unit.changed("conflict", conflict.id)
        append_entry(
            unit.session,
            LogRecord(
                name=f"resolve_conflict:{resolution.resolution}",
                outcome="applied",
                server_time=unit.now,
                mutation_id=conflict.mutation_id,
                entity_id=conflict.incident_id,
                user_id=actor.id,
                reason=f"field {conflict.field}",
            ),
        )
        return conflict_record(conflict)


def _restore_mine(unit: WriteUnit, ctx: ServerContext, actor: Actor, conflict: Conflict) -> None:
    incident = unit.session.get(Incident, conflict.incident_id)
    if incident is None:
        raise not_found("The incident of this conflict is gone.")
    if not incident_visible(actor, incident):
        raise forbidden("The incident is no longer visible to you; ask a supervisor to restore the value.")
    if Status(incident.status).is_read_only:
        raise RequestRefusedError(409, "read_only", f"The incident is {incident.status}; reopen it first.")
    try:
        value = UPDATABLE[conflict.field](conflict.field, conflict.mine)
    except RejectionError as exc:
        raise RequestRefusedError(422, "validation_error", exc.reason) from exc
    current = Stamp.from_json(incident.field_stamps.get(conflict.field))
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
    if not editor.set(conflict.field, value):
        editor.restamp(conflict.field, stamp)
    editor.finish()
