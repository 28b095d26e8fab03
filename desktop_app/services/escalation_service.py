"""Take it, escalate (functional, hierarchical) and a supervisor's reassignment with a reason.

One ``escalate`` mutation carries the new assignment and the reason; the server checks who may do
what (central_server/domain/escalation.py) and records the same escalation note, whose id the client
chose. Assignment is server-decided: a refused escalation lands in the Errors view.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.dtos import IncidentDetail, Result
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.errors import PermissionDeniedError, ValidationError
from desktop_app.domain.escalation import MANAGER_ROLES, EscalationKind, Placement, check_escalation
from desktop_app.models import SyncState
from desktop_app.services.incident_mapping import load_detail
from desktop_app.services.incident_service import (
    IncidentService,
    _agent_name,
    _check_assignment,
    _group_name,
    _touch,
    _writable,
    place,
)
from desktop_app.services.note_writer import add_note
from desktop_app.services.transaction import ServiceBase, ServiceEnv, local_agent_id
from sync_protocol.workflow_rules import escalation_note_body


class EscalationService(ServiceBase):
    def __init__(self, env: ServiceEnv, incidents: IncidentService) -> None:
        super().__init__(env)
        self._incidents = incidents

    def my_role(self) -> str | None:
        """The signed-in user's role on the server; None for a standalone client (no roles)."""
        with self._read() as session:
            return _my_role(session)

    def take(self, incident_id: uuid.UUID) -> Result[IncidentDetail]:
        """Assign it to me, in its group (the server allows it for unassigned work of my groups)."""
        with self._read() as session:
            me = local_agent_id(session)
        if me is None:
            raise ValidationError("There is no local agent to assign to; set your name in File > Settings.")
        detail = self._incidents.get(incident_id)
        if detail.assignee_id == me:
            raise ValidationError(f"{detail.display_number} is already yours.")
        role = self.my_role()
        if detail.assignee_id is not None and role is not None and role not in MANAGER_ROLES:
            # The server's rule (take only unassigned work): say so now rather than in the Errors view later.
            raise PermissionDeniedError(
                f"{detail.display_number} is assigned to {detail.assignee_name}; with the {role} role you take only "
                "unassigned work. Ask a supervisor, or ask them to release it."
            )
        return self._incidents.assign(incident_id, group_id=detail.group_id, assignee_id=me)

    def escalate(
        self,
        incident_id: uuid.UUID,
        kind: EscalationKind,
        reason: str,
        *,
        group_id: uuid.UUID | None,
        assignee_id: uuid.UUID | None,
    ) -> Result[IncidentDetail]:
        kind = EscalationKind(kind)
        with self._write() as scope:
            session = scope.session
            incident = _writable(session, incident_id)
            _check_assignment(session, group_id, assignee_id)
            current = Placement(incident.group_id, incident.assignee_id)
            target = Placement(group_id, assignee_id)
            clean = check_escalation(kind, reason, current, target, my_role=_my_role(session))
            note_id = scope.env.ids()
            payload = {
                "kind": kind.value,
                "reason": clean,
                "group_id": group_id,
                "assignee_id": assignee_id,
                "note_id": note_id,
            }
            base = {"group_id": incident.group_id, "assignee_id": incident.assignee_id, "version": incident.version}
            mutation_id = scope.enqueue("escalate", incident.id, payload, base)
            place(scope, incident, group_id, assignee_id, mutation_id)
            new_group, new_agent = _group_name(session, group_id), _agent_name(session, assignee_id)
            where = " / ".join(name for name in (new_group, new_agent) if name) or "nobody"
            details = {
                "kind": kind.value,
                "from_group_id": _text(current.group_id),
                "from_assignee_id": _text(current.assignee_id),
                "to_group_id": _text(group_id),
                "to_assignee_id": _text(assignee_id),
                "reason": clean,
            }
            body = escalation_note_body(kind.value, where, clean)
            add_note(scope, incident, NoteKind.ESCALATION, body, details=details, note_id=note_id, enqueue=False)
            _touch(scope, incident)
            return Result(load_detail(session, incident), scope.change_set())


def _my_role(session: Session) -> str | None:
    row = session.execute(select(SyncState.server_url, SyncState.role).where(SyncState.id == 1)).first()
    return row.role if row is not None and row.server_url else None


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
