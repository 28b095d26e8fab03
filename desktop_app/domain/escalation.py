"""Escalation on the client: the kinds, the required reason, and where each kind may send an incident.

Mirrors ``central_server/domain/escalation.py`` (the server decides; this refuses early, offline too):
functional hands the incident to another group or tier, hierarchical to a supervisor, reassignment is a
supervisor moving it to anyone. Each needs a reason. The client knows only its own user's role (from the
server it signed in to); a standalone client has no roles and may do all three.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.closure_rules import check_reason
from desktop_app.domain.errors import PermissionDeniedError, ValidationError
from sync_protocol.workflow_rules import ESCALATION_KINDS

MANAGER_ROLES = frozenset({"supervisor", "admin"})


class EscalationKind(StrEnum):
    FUNCTIONAL = "functional"
    HIERARCHICAL = "hierarchical"
    REASSIGNMENT = "reassignment"

    @property
    def label(self) -> str:
        return ESCALATION_KINDS[self.value]


@dataclass(frozen=True)
class Placement:
    group_id: uuid.UUID | None
    assignee_id: uuid.UUID | None


def check_escalation(
    kind: EscalationKind,
    reason: str | None,
    current: Placement,
    target: Placement,
    *,
    my_role: str | None,
) -> str:
    """Raise the rule's error, or return the cleaned reason."""
    kind = EscalationKind(kind)
    what = "A reassignment" if kind == EscalationKind.REASSIGNMENT else "An escalation"
    clean = check_reason(reason, what)
    if target == current:
        raise ValidationError("The incident is already assigned that way.")
    manager = my_role is None or my_role in MANAGER_ROLES
    if kind == EscalationKind.REASSIGNMENT and not manager:
        raise PermissionDeniedError(
            f"A {my_role} may not reassign with a reason; escalate it (functional or hierarchical)."
        )
    if kind == EscalationKind.FUNCTIONAL:
        if target.group_id is None or target.group_id == current.group_id:
            raise ValidationError("A functional escalation hands the incident to another group or tier.", field="group")
        if target.assignee_id is not None and not manager:
            raise PermissionDeniedError(
                f"A {my_role} escalates to a group, not to a person in it; its members take it.", field="assignee"
            )
    if kind == EscalationKind.HIERARCHICAL and target.assignee_id is None:
        raise ValidationError("A hierarchical escalation names the supervisor it goes to.", field="assignee")
    return clean
