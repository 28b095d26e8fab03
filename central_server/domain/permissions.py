"""Who may see and assign what, decided against the server's current state (PROTOCOL.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from central_server.domain.enums import Role
from central_server.domain.errors import PermissionDeniedError

SELF_EDITABLE_AGENT_FIELDS = frozenset({"name", "email"})


@dataclass(frozen=True)
class Actor:
    """The authenticated user behind a request, as the server knows them right now."""

    id: uuid.UUID
    username: str
    role: Role
    group_ids: frozenset[uuid.UUID]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


@dataclass(frozen=True)
class Assignment:
    group_id: uuid.UUID | None
    assignee_id: uuid.UUID | None


def can_see(
    actor: Actor, *, group_id: uuid.UUID | None, assignee_id: uuid.UUID | None, created_by_id: uuid.UUID | None
) -> bool:
    """Supervisors and admins see everything; others their groups', their own, what they logged, ungrouped work."""
    if actor.role.manages_assignments:
        return True
    return group_id is None or group_id in actor.group_ids or actor.id in (assignee_id, created_by_id)


def check_reassign(actor: Actor, current: Assignment, target: Assignment) -> None:
    """Supervisors/admins: anything. Agents/technicians: *take* unassigned work of their groups, *release* their
    own, or *route* an incident nobody is assigned to into another group (the caller checked they can see it)."""
    if actor.role.manages_assignments:
        return
    if is_take(actor, current, target) or is_release(actor, current, target) or is_route(current, target):
        return
    raise PermissionDeniedError(
        f"A {actor.role.value} may only take an unassigned incident of their groups (or without a group), "
        "release one assigned to themselves, or change the group of one nobody is assigned to; "
        "ask a supervisor to assign it to someone else."
    )


def is_take(actor: Actor, current: Assignment, target: Assignment) -> bool:
    current_group_ok = current.group_id is None or current.group_id in actor.group_ids
    # Taking may keep the group, or put ungrouped work into one of the taker's groups.
    target_group_ok = target.group_id == current.group_id or target.group_id in actor.group_ids
    return current.assignee_id is None and current_group_ok and target.assignee_id == actor.id and target_group_ok


def is_release(actor: Actor, current: Assignment, target: Assignment) -> bool:
    return current.assignee_id == actor.id and target.assignee_id is None and target.group_id == current.group_id


def is_route(current: Assignment, target: Assignment) -> bool:
    """Set, change or clear the group of an incident nobody is assigned to, naming no person."""
    return current.assignee_id is None and target.assignee_id is None


def check_update_agent(actor: Actor, agent_id: uuid.UUID, fields: set[str]) -> None:
    """Anyone may change their own name and e-mail (the client's "rename me"); everything else is an admin's."""
    if actor.is_admin:
        return
    if agent_id != actor.id:
        raise PermissionDeniedError("Only an admin may change another user; you may change your own name and e-mail.")
    others = sorted(fields - SELF_EDITABLE_AGENT_FIELDS)
    if others:
        raise PermissionDeniedError(
            f"Only an admin may change {', '.join(others)}; you may change your own name and e-mail."
        )


def check_create_assignment(actor: Actor, target: Assignment) -> None:
    """A new incident starts unassigned: routing it to a group is part of logging; naming a person follows *take*."""
    if actor.role.manages_assignments or target.assignee_id is None:
        return
    check_reassign(actor, Assignment(group_id=None, assignee_id=None), target)


def check_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDeniedError(f"Only an admin may {what}.")
