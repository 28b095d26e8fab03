"""Who may escalate or reassign with a reason, and where to (mirrors desktop_app/domain/escalation.py).

Functional: anyone who may see the incident hands it to another group or tier; only a supervisor names
the person there. Hierarchical: up to a supervisor (or admin), the group may stay. Reassignment: a
supervisor or admin moves any incident to anyone. Every kind needs a reason (sync_protocol rules).
"""

from __future__ import annotations

from central_server.domain.enums import Role
from central_server.domain.errors import InvalidValueError, PermissionDeniedError
from central_server.domain.permissions import Actor, Assignment
from sync_protocol.workflow_rules import ESCALATION_KINDS, reason_problem


def check_escalation(
    actor: Actor,
    kind: str,
    reason: str | None,
    current: Assignment,
    target: Assignment,
    target_role: Role | None,
) -> None:
    if kind not in ESCALATION_KINDS:
        raise InvalidValueError(f"kind must be one of {', '.join(ESCALATION_KINDS)}, not {kind!r}.")
    problem = reason_problem(reason, "An escalation" if kind != "reassignment" else "A reassignment")
    if problem is not None:
        raise InvalidValueError(problem.message)
    if target == current:
        raise InvalidValueError("The incident is already assigned that way.")
    if kind == "reassignment":
        if not actor.role.manages_assignments:
            raise PermissionDeniedError(
                f"A {actor.role.value} may not reassign with a reason; escalate it (functional or hierarchical)."
            )
        return
    if kind == "functional":
        if target.group_id is None or target.group_id == current.group_id:
            raise InvalidValueError("A functional escalation hands the incident to another group or tier.")
        if target.assignee_id is not None and not actor.role.manages_assignments:
            raise PermissionDeniedError(
                f"A {actor.role.value} escalates to a group, not to a person in it; its members take it."
            )
        return
    # hierarchical
    if target.assignee_id is None:
        raise InvalidValueError("A hierarchical escalation names the supervisor it goes to.")
    if target_role is None or not target_role.manages_assignments:
        raise InvalidValueError("A hierarchical escalation goes to a supervisor or an admin.")
