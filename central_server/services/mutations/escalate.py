"""escalate: functional, hierarchical or a supervisor's reassignment, with a required reason.

The assignment is server-decided and permission-checked like ``reassign``; the reason travels as an
escalation note (append-only: it never conflicts). A replay finds its note and changes nothing.
"""

from __future__ import annotations

from central_server.domain.enums import NoteKind, Role
from central_server.domain.escalation import check_escalation
from central_server.domain.incident_fields import (
    REASON_MAX,
    optional_uuid,
    parse_fields,
    text,
)
from central_server.domain.permissions import Assignment
from central_server.models import Group, Note, User
from central_server.services.mutations.incident_create import check_assignment_targets
from central_server.services.mutations.incident_workflow import editor_for, place
from central_server.services.mutations.scope import (
    Applied,
    MutationScope,
    load_incident,
    require_payload_keys,
)
from central_server.services.mutations.work_notes import add_work_note
from sync_protocol.workflow_rules import escalation_note_body

ESCALATE_PAYLOAD = {
    "kind": text(20, required=True),
    "reason": text(REASON_MAX),  # required, with the rule's message: check_escalation
    "group_id": optional_uuid,
    "assignee_id": optional_uuid,
    "note_id": optional_uuid,
}


def escalate(scope: MutationScope) -> Applied:
    incident = load_incident(scope, writable=True)
    payload = scope.mutation.payload
    require_payload_keys(payload, "kind", "reason", "group_id", "assignee_id", "note_id")
    values = parse_fields(payload, ESCALATE_PAYLOAD, what="escalate")
    existing = scope.session.get(Note, values["note_id"]) if values["note_id"] else None
    if existing is not None and existing.incident_id == incident.id:
        return Applied(note="The escalation was already recorded.")
    current = Assignment(group_id=incident.group_id, assignee_id=incident.assignee_id)
    target = Assignment(group_id=values["group_id"], assignee_id=values["assignee_id"])
    check_assignment_targets(scope.session, target.group_id, target.assignee_id)
    assignee = scope.session.get(User, target.assignee_id) if target.assignee_id else None
    role = Role(assignee.role) if assignee is not None else None
    check_escalation(scope.actor, values["kind"], values["reason"], current, target, role)
    editor = editor_for(scope, incident)
    place(editor, incident, target)
    group = scope.session.get(Group, target.group_id) if target.group_id else None
    where = " / ".join(name for name in (group.name if group else None, assignee.name if assignee else None) if name)
    add_work_note(
        scope,
        incident,
        values["note_id"],
        kind=NoteKind.ESCALATION.value,
        body=escalation_note_body(values["kind"], where or "nobody", values["reason"]),
        details={
            "kind": values["kind"],
            "from_group_id": str(current.group_id) if current.group_id else None,
            "from_assignee_id": str(current.assignee_id) if current.assignee_id else None,
            "to_group_id": str(target.group_id) if target.group_id else None,
            "to_assignee_id": str(target.assignee_id) if target.assignee_id else None,
            "reason": values["reason"],
        },
    )
    editor.finish()
    return Applied()
