"""change_status (the server's status machine), reassign (role rules) and add_note (append-only)."""

from __future__ import annotations

from central_server.domain.enums import HoldReason, NoteKind, Status
from central_server.domain.errors import InvalidTransitionError, InvalidValueError
from central_server.domain.incident_fields import (
    DOCUMENTATION,
    LONG_TEXT_MAX,
    REASON_MAX,
    choice,
    optional_uuid,
    parse_fields,
    text,
)
from central_server.domain.permissions import Assignment, check_reassign
from central_server.domain.status_machine import check_transition, is_reopen
from central_server.models import Incident, Note
from central_server.services.mutations.incident_create import check_assignment_targets
from central_server.services.mutations.incident_editor import IncidentEditor
from central_server.services.mutations.scope import (
    Applied,
    MutationScope,
    load_incident,
    require_payload_keys,
)
from central_server.services.mutations.work_notes import add_work_note
from sync_protocol.workflow_rules import reopen_note_body, worklog_problem

STATUS_PAYLOAD = {
    "status": choice(Status),
    "hold_reason": choice(HoldReason, required=False),
    **DOCUMENTATION,
    # Reopen's reason, recorded as a system note with the id the client chose.
    "reason": text(REASON_MAX),
    "note_id": optional_uuid,
}
NOTE_BODY = text(LONG_TEXT_MAX, required=True)
NOTE_PAYLOAD = {
    "note_id": optional_uuid,
    "kind": choice(NoteKind),
    "body": NOTE_BODY,
    # A worklog entry's time and audience; checked by sync_protocol's worklog rule.
    "time_spent_minutes": lambda _name, raw: raw,
    "visibility": lambda _name, raw: raw,
}


def editor_for(scope: MutationScope, incident: Incident) -> IncidentEditor:
    return IncidentEditor(
        scope.unit,
        incident,
        actor_id=scope.actor.id,
        mutation_id=scope.mutation.mutation_id,
        device_time=scope.device_time,
        stamp=scope.stamp(),
    )


def change_status(scope: MutationScope) -> Applied:
    # Not ``writable``: a closed incident may be reopened; the status machine decides.
    incident = load_incident(scope, writable=False)
    require_payload_keys(scope.mutation.payload, "status")
    values = parse_fields(scope.mutation.payload, STATUS_PAYLOAD, what="change_status")
    current, target = Status(incident.status), Status(values["status"])
    hold_value = values.get("hold_reason")
    hold = HoldReason(hold_value) if hold_value else None
    # ``is not None``: "reporter_informed": false is documentation too.
    documentation = {name: values[name] for name in DOCUMENTATION if values.get(name) is not None}
    if target == current:
        unchanged = (hold_value if target == Status.ON_HOLD else None) == incident.hold_reason and all(
            getattr(incident, name) == value for name, value in documentation.items()
        )
        if unchanged:
            return Applied(note=f"The incident is already {current.value}.")
        raise InvalidTransitionError(f"The incident is already {current.value}.")
    merged = {name: documentation[name] if name in documentation else getattr(incident, name) for name in DOCUMENTATION}
    reason = values.get("reason")
    check_transition(current, target, hold_reason=hold, documentation=merged, reopen_reason=reason)
    if is_reopen(current, target):
        body = reopen_note_body(current.value, reason or "")
        add_work_note(
            scope, incident, values.get("note_id"), kind=NoteKind.SYSTEM.value, body=body,
            details={"event": "reopened", "from": current.value, "reason": reason},
        )  # fmt: skip
    editor = editor_for(scope, incident)
    editor.set("status", target.value)
    editor.set("hold_reason", hold.value if target == Status.ON_HOLD and hold else None)
    for name, value in documentation.items():
        editor.set(name, value)
    if target == Status.RESOLVED:
        editor.set("resolved_at", scope.effective_time)
    if target == Status.CLOSED:
        editor.set("closed_at", scope.effective_time)
    if target == Status.IN_PROGRESS and current in (Status.RESOLVED, Status.CLOSED):
        editor.set("resolved_at", None)
        editor.set("closed_at", None)
    editor.finish()
    return Applied()


def reassign(scope: MutationScope) -> Applied:
    incident = load_incident(scope, writable=True)
    payload = scope.mutation.payload
    require_payload_keys(payload, "group_id", "assignee_id")
    values = parse_fields(payload, {"group_id": optional_uuid, "assignee_id": optional_uuid}, what="reassign")
    target = Assignment(group_id=values["group_id"], assignee_id=values["assignee_id"])
    current = Assignment(group_id=incident.group_id, assignee_id=incident.assignee_id)
    if target == current:
        return Applied(note="The incident is already assigned that way.")
    check_assignment_targets(scope.session, target.group_id, target.assignee_id)
    check_reassign(scope.actor, current, target)
    editor = editor_for(scope, incident)
    place(editor, incident, target)
    editor.finish()
    return Applied()


def place(editor: IncidentEditor, incident: Incident, target: Assignment) -> None:
    """Set group and assignee with the same side effects as the client's assign: a new incident given a
    person becomes assigned, an assigned one with neither group nor person goes back to new."""
    status = Status(incident.status)
    editor.set("group_id", target.group_id)
    editor.set("assignee_id", target.assignee_id)
    if target.assignee_id is not None and status == Status.NEW:
        editor.set("status", Status.ASSIGNED.value)
    elif target == Assignment(None, None) and status == Status.ASSIGNED:
        editor.set("status", Status.NEW.value)


def add_note(scope: MutationScope) -> Applied:
    # A technician's notes survive a supervisor moving the incident away while they were offline: whoever
    # created it, was ever its assignee or wrote a note on it may still add notes (not on closed/canceled).
    incident = load_incident(scope, writable=True, involved_may=True)
    payload = scope.mutation.payload
    require_payload_keys(payload, "note_id", "kind", "body")
    values = parse_fields(payload, NOTE_PAYLOAD, what="add_note")
    problem = worklog_problem(values.get("time_spent_minutes"), values.get("visibility"))
    if problem is not None:
        raise InvalidValueError(problem.message)
    note_id = values["note_id"]
    if note_id is None:
        raise InvalidValueError("add_note needs a note_id.")
    existing = scope.session.get(Note, note_id)
    if existing is not None:
        if existing.incident_id != incident.id:
            raise InvalidValueError(f"Note {note_id} already belongs to another incident.")
        return Applied(note="The note was already added.")
    note = Note(
        id=note_id,
        incident_id=incident.id,
        kind=values["kind"],
        body=values["body"],
        author_id=scope.actor.id,
        created_at=scope.effective_time,
        time_spent_minutes=values.get("time_spent_minutes"),
        visibility=values.get("visibility"),
    )
    scope.session.add(note)
    # A note is append-only: it moves the time the queue sorts on, not the field version.
    incident.updated_at = scope.now
    scope.unit.changed("note", note.id)
    scope.unit.changed("incident", incident.id)
    return Applied()
