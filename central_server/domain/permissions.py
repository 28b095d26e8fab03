"""Who may see and assign what, decided against the server's current state (PROTOCOL.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from central_server.domain.enums import Role
from central_server.domain.errors import PermissionDeniedError


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
    """Supervisors/admins: anything. Agents/technicians: *take* unassigned work of their groups, *release* their own."""
    if actor.role.manages_assignments:
        return
    if is_take(actor, current, target) or is_release(actor, current, target):
        return
    raise PermissionDeniedError(
        f"A {actor.role.value} may only take an unassigned incident of their groups (or without a group) "
        "or release one assigned to themselves; ask a supervisor to reassign it."
    )


def is_take(actor: Actor, current: Assignment, target: Assignment) -> bool:
    current_group_ok = current.group_id is None or current.group_id in actor.group_ids
    # Taking may keep the group, or put ungrouped work into one of the taker's groups.
    target_group_ok = target.group_id == current.group_id or target.group_id in actor.group_ids
    return current.assignee_id is None and current_group_ok and target.assignee_id == actor.id and target_group_ok


def is_release(actor: Actor, current: Assignment, target: Assignment) -> bool:
    return current.assignee_id == actor.id and target.assignee_id is None and target.group_id == current.group_id


def check_create_assignment(actor: Actor, target: Assignment) -> None:
    """A new incident starts unassigned: routing it to a group is part of logging; naming a person follows *take*."""
    if actor.role.manages_assignments or target.assignee_id is None:
        return
    check_reassign(actor, Assignment(group_id=None, assignee_id=None), target)


def check_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDeniedError(f"Only an admin may {what}.")
