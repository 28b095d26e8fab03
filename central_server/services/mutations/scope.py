"""What every mutation applier gets (the transaction, who, which client, the mutation) and gives back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from central_server.domain.enums import Status
from central_server.domain.errors import InvalidValueError, NotFoundError, PermissionDeniedError
from central_server.domain.hlc import correct_hlc
from central_server.domain.merge import Stamp
from central_server.domain.permissions import Actor, can_see
from central_server.models import AuditEvent, IdAlias, Incident, Note
from central_server.services.transaction import WriteUnit
from sync_protocol.schemas import FieldConflict, Mutation


@dataclass
class MutationScope:
    unit: WriteUnit
    actor: Actor
    client_id: uuid.UUID
    mutation: Mutation
    # How far the device's clock runs ahead of the server's (X-Client-Time), None if it did not say.
    clock_offset_ms: int | None = None

    @property
    def session(self) -> Session:
        return self.unit.session

    @property
    def now(self) -> datetime:
        return self.unit.now

    @property
    def device_time(self) -> datetime:
        stamp = self.mutation.device_time
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)

    @property
    def effective_time(self) -> datetime:
        """When the user did it, as far as the server believes: the device's time, never in the server's future."""
        return min(self.device_time, self.now)

    @property
    def hlc(self) -> str:
        """The mutation's HLC corrected for the device's clock skew and capped at the server's now: what
        merges and what a field's stamp keeps. The mutation log keeps the HLC as the device sent it."""
        return correct_hlc(self.mutation.hlc, offset_ms=self.clock_offset_ms, now=self.now)

    def stamp(self) -> Stamp:
        return Stamp(
            hlc=self.hlc,
            client=str(self.client_id),
            user=str(self.actor.id),
            mutation=str(self.mutation.mutation_id),
        )


@dataclass
class Applied:
    """A mutation that took effect (or was already in effect): ``conflict`` when a field lost or won a race."""

    outcome: Literal["applied", "conflict"] = "applied"
    conflicts: list[FieldConflict] = field(default_factory=list)
    assigned: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


def resolve_alias(session: Session, entity: str, entity_id: uuid.UUID) -> uuid.UUID:
    canonical = session.scalar(
        select(IdAlias.canonical_id).where(IdAlias.alias_id == entity_id, IdAlias.entity == entity)
    )
    return canonical or entity_id


def remember_alias(session: Session, entity: str, alias_id: uuid.UUID, canonical_id: uuid.UUID) -> None:
    if alias_id != canonical_id and session.get(IdAlias, alias_id) is None:
        session.add(IdAlias(alias_id=alias_id, entity=entity, canonical_id=canonical_id))


def require_payload_keys(payload: dict[str, Any], *names: str) -> None:
    missing = [name for name in names if name not in payload]
    if missing:
        raise InvalidValueError(f"The payload lacks {', '.join(missing)}.")


def load_incident(scope: MutationScope, *, writable: bool, involved_may: bool = False) -> Incident:
    """The target incident, if it exists, the actor may see it and (``writable``) it is not closed or canceled.

    ``involved_may``: a user who cannot see it any more but worked on it (see ``was_involved``) may too.
    """
    incident = scope.session.get(Incident, scope.mutation.entity_id)
    if incident is None:
        raise NotFoundError("There is no such incident on the server.")
    visible = can_see(
        scope.actor,
        group_id=incident.group_id,
        assignee_id=incident.assignee_id,
        created_by_id=incident.created_by_id,
    )
    if not visible and not (involved_may and was_involved(scope.session, scope.actor.id, incident)):
        raise PermissionDeniedError(f"INC-{incident.number:06d} is outside your groups; you cannot change it.")
    if writable and Status(incident.status).is_read_only:
        raise InvalidValueError(f"INC-{incident.number:06d} is {incident.status}: it is read-only until reopened.")
    return incident


def was_involved(session: Session, user_id: uuid.UUID, incident: Incident) -> bool:
    """Created it, was ever its assignee (its audit names them on either side of an assignee change), or wrote
    a note on it: what lets a technician's offline notes land after a supervisor moved the incident away."""
    if user_id in (incident.created_by_id, incident.assignee_id):
        return True
    as_text = str(user_id)
    assignee_change = select(AuditEvent.id).where(
        AuditEvent.incident_id == incident.id,
        AuditEvent.field == "assignee_id",
        or_(AuditEvent.old_value == as_text, AuditEvent.new_value == as_text),
    )
    authored = select(Note.id).where(Note.incident_id == incident.id, Note.author_id == user_id)
    return session.execute(assignee_change.limit(1)).first() is not None or (
        session.execute(authored.limit(1)).first() is not None
    )
