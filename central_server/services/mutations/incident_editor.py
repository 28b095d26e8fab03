"""Field changes on one incident: the audit event, the field's write stamp, version and change rows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from central_server.domain.ids import new_id
from central_server.domain.incident_fields import audit_text
from central_server.domain.merge import Stamp
from central_server.models import Attachment, AuditEvent, Incident, Note
from central_server.services.transaction import WriteUnit

# The fields pull visibility depends on (besides the creator, which never changes): moving one may show
# the incident to users who hold a tombstone for its notes and audit entries (services/visibility.py).
VISIBILITY_FIELDS = frozenset({"group_id", "assignee_id"})


class IncidentEditor:
    def __init__(
        self,
        unit: WriteUnit,
        incident: Incident,
        *,
        actor_id: uuid.UUID | None,
        mutation_id: uuid.UUID | None,
        device_time: datetime,
        stamp: Stamp,
    ) -> None:
        self.unit = unit
        self.incident = incident
        self.actor_id = actor_id
        self.mutation_id = mutation_id
        self.device_time = device_time
        self.stamp = stamp
        self._stamps: dict[str, Any] = dict(incident.field_stamps or {})
        self._changed = False
        self._visibility_moved = False

    def set(self, field: str, value: Any, stamp: Stamp | None = None) -> bool:
        """Set one field (audited, stamped); False when it already held the value."""
        old = getattr(self.incident, field)
        if old == value:
            return False
        self.audit(field, audit_text(old), audit_text(value))
        setattr(self.incident, field, value)
        self._stamps[field] = (stamp or self.stamp).to_json()
        self._changed = True
        self._visibility_moved |= field in VISIBILITY_FIELDS
        return True

    def restamp(self, field: str, stamp: Stamp) -> None:
        self._stamps[field] = stamp.to_json()

    def audit(self, field: str, old: str | None, new: str | None) -> None:
        event = AuditEvent(
            id=new_id(),
            incident_id=self.incident.id,
            field=field,
            old_value=old,
            new_value=new,
            actor_id=self.actor_id,
            device_time=self.device_time,
            server_time=self.unit.now,
            mutation_id=self.mutation_id,
        )
        self.unit.session.add(event)
        self.unit.changed("audit", event.id)

    @property
    def changed(self) -> bool:
        return self._changed

    def finish(self) -> None:
        stamps_moved = self._stamps != (self.incident.field_stamps or {})
        if stamps_moved:
            self.incident.field_stamps = self._stamps  # a new dict: the JSON column sees the change
        if self._changed:
            self.incident.version += 1
            self.incident.updated_at = self.unit.now
        if self._changed or stamps_moved:
            self.unit.changed("incident", self.incident.id)
        if self._visibility_moved:
            self._republish_children()

    def _republish_children(self) -> None:
        """Change rows for every note and audit entry of the incident, after the incident's own row.

        Pull renders a change with the entity's current visibility, so a user who lost the incident got
        tombstones for its notes and audit entries; when a reassignment shows it to them again (or for the
        first time, after they pulled past those entries), only new change rows bring those back.
        """
        session, incident_id = self.unit.session, self.incident.id
        session.flush()
        for note_id in session.scalars(select(Note.id).where(Note.incident_id == incident_id).order_by(Note.id)):
            self.unit.changed("note", note_id)
        for event_id in session.scalars(
            select(AuditEvent.id).where(AuditEvent.incident_id == incident_id).order_by(AuditEvent.id)
        ):
            self.unit.changed("audit", event_id)
        for attachment_id in session.scalars(
            select(Attachment.id).where(Attachment.incident_id == incident_id).order_by(Attachment.id)
        ):
            self.unit.changed("attachment", attachment_id)
