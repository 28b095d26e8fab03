"""The incident timeline for the CLI and reports: the detail's notes and history plus its attachments
(and any other source plugged in), newest first. The GUI builds the same from the detail it holds."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.timeline import TimelineEntry, TimelineKind, attachment_entries, build_timeline, timeline_for
from desktop_app.models import Agent, Attachment, Note
from desktop_app.services.incident_mapping import load_detail
from desktop_app.services.incident_service import _incident
from desktop_app.services.transaction import ServiceBase, ServiceEnv

# Another package's rows in the timeline: given the session and the incident id, its entries.
TimelineSource = Callable[[Session, uuid.UUID], Iterable[TimelineEntry]]


def attachment_source(session: Session, incident_id: uuid.UUID) -> list[TimelineEntry]:
    """Issue 5's attachments: each as added, and as removed if it was."""
    rows = session.execute(
        select(Attachment, Agent.name)
        .outerjoin(Agent, Agent.id == Attachment.created_by)
        .where(Attachment.incident_id == incident_id)
    ).all()
    return [
        entry
        for attachment, author in rows
        for entry in attachment_entries(
            attachment.id,
            attachment.display_name,
            attachment.caption,
            author,
            attachment.created_at,
            attachment.removed_at,
        )
    ]


class TimelineService(ServiceBase):
    def __init__(self, env: ServiceEnv, sources: Iterable[TimelineSource] = (attachment_source,)) -> None:
        super().__init__(env)
        self._sources = list(sources)

    def add_source(self, source: TimelineSource) -> None:
        self._sources.append(source)

    def timeline(self, incident_id: uuid.UUID, kinds: Iterable[TimelineKind] | None = None) -> list[TimelineEntry]:
        with self._read() as session:
            detail = load_detail(session, _incident(session, incident_id))
            extra = [entry for source in self._sources for entry in source(session, incident_id)]
        return build_timeline(timeline_for(detail, extra), kinds)

    def time_spent(self, incident_id: uuid.UUID) -> int:
        """Minutes logged on the incident's worklog, in total."""
        with self._read() as session:
            values = session.scalars(
                select(Note.time_spent_minutes).where(
                    Note.incident_id == incident_id, Note.time_spent_minutes.is_not(None)
                )
            )
            return sum(int(v) for v in values)
