"""Notes the workflow writes next to a change: a reopen reason, an escalation, a published workaround.

They are ordinary notes (append-only, never in conflict, DESIGN §4) whose id the client chose, so the
client's own copy and the server's are one row; ``details`` keeps the structured facts for the timeline.
"""

from __future__ import annotations

import uuid
from typing import Any

from central_server.domain.errors import InvalidValueError
from central_server.models import Incident, Note
from central_server.services.mutations.scope import MutationScope


def add_work_note(
    scope: MutationScope,
    incident: Incident,
    note_id: uuid.UUID | None,
    *,
    kind: str,
    body: str,
    details: dict[str, Any] | None = None,
    time_spent_minutes: int | None = None,
    visibility: str | None = None,
) -> bool:
    """Insert the note once; False when a replay already added it."""
    if note_id is None:
        raise InvalidValueError("The mutation needs a note_id for the note it records.")
    existing = scope.session.get(Note, note_id)
    if existing is not None:
        if existing.incident_id != incident.id:
            raise InvalidValueError(f"Note {note_id} already belongs to another incident.")
        return False
    scope.session.add(
        Note(
            id=note_id,
            incident_id=incident.id,
            kind=kind,
            body=body,
            author_id=scope.actor.id,
            created_at=scope.effective_time,
            time_spent_minutes=time_spent_minutes,
            visibility=visibility,
            details=details,
        )
    )
    incident.updated_at = scope.now
    scope.unit.changed("note", note_id)
    scope.unit.changed("incident", incident.id)
    return True
