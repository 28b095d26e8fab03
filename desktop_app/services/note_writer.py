"""Appending a note inside a write scope, with its ``add_note`` mutation (or carried by another one)."""

from __future__ import annotations

import uuid
from typing import Any

from desktop_app.domain.enums import NoteKind
from desktop_app.models import Incident, Note
from desktop_app.services.transaction import WriteScope


def add_note(
    scope: WriteScope,
    incident: Incident,
    kind: NoteKind,
    body: str,
    *,
    minutes: int | None = None,
    visibility: str | None = None,
    details: dict[str, Any] | None = None,
    note_id: uuid.UUID | None = None,
    enqueue: bool = True,
) -> Note:
    """Append a note and its ``add_note`` mutation (the worklog fields only when set: older servers).

    ``enqueue=False``: another mutation (escalate, change_status) carries the note's id and the server
    writes the same note from it."""
    note = Note(
        id=note_id or scope.env.ids(),
        incident_id=incident.id,
        kind=kind.value,
        body=body,
        author_id=scope.actor_id,
        created_at=scope.now,
        time_spent_minutes=minutes,
        visibility=visibility,
        details=details,
    )
    scope.session.add(note)
    payload: dict[str, Any] = {"note_id": note.id, "kind": note.kind, "body": note.body}
    if minutes is not None:
        payload["time_spent_minutes"] = minutes
    if visibility is not None:
        payload["visibility"] = visibility
    if enqueue:
        scope.enqueue("add_note", incident.id, payload)
    incident.updated_at = scope.now  # append-only: moves the queue's sort time, not the version
    scope.changed("incident", incident.id)
    scope.session.flush()
    return note
