"""The incident timeline from notes, the audit and (through a seam) attachments, newest first."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.timeline import TimelineEntry, TimelineKind, audit_entry, build_timeline, note_entry
from desktop_app.models import Agent, AuditEvent, Note
from desktop_app.services.incident_service import _incident
from desktop_app.services.transaction import ServiceBase, ServiceEnv

# Another package's rows in the timeline: given the session and the incident id, its entries. Attachments
# (issue 5) plug in here with kind TimelineKind.ATTACHMENT; nothing else in the timeline needs to change.
TimelineSource = Callable[[Session, uuid.UUID], Iterable[TimelineEntry]]


class TimelineService(ServiceBase):
    def __init__(self, env: ServiceEnv, sources: Iterable[TimelineSource] = ()) -> None:
        super().__init__(env)
        self._sources = list(sources)

    def add_source(self, source: TimelineSource) -> None:
        self._sources.append(source)

    def timeline(self, incident_id: uuid.UUID, kinds: Iterable[TimelineKind] | None = None) -> list[TimelineEntry]:
        with self._read() as session:
            _incident(session, incident_id)
            names = {row.id: row.name for row in session.execute(select(Agent.id, Agent.name))}
            entries: list[TimelineEntry] = []
            for note in session.scalars(select(Note).where(Note.incident_id == incident_id)):
                entries.append(
                    note_entry(
                        note.id,
                        note.kind,
                        note.body,
                        names.get(note.author_id),
                        note.created_at,
                        note.time_spent_minutes,
                        note.visibility,
                        note.details,
                    )
                )
            for event in session.scalars(select(AuditEvent).where(AuditEvent.incident_id == incident_id)):
                entries.append(
                    audit_entry(
                        event.id,
                        event.field,
                        event.old_value,
                        event.new_value,
                        names.get(event.actor_id),
                        event.device_time,
                    )
                )
            for source in self._sources:
                entries.extend(source(session, incident_id))
            return build_timeline(entries, kinds)

    def time_spent(self, incident_id: uuid.UUID) -> int:
        """Minutes logged on the incident's worklog, in total."""
        with self._read() as session:
            values = session.scalars(
                select(Note.time_spent_minutes).where(
                    Note.incident_id == incident_id, Note.time_spent_minutes.is_not(None)
                )
            )
            return sum(int(v) for v in values)
