"""Which incidents (and so notes, audit entries) a user may see, as SQL for bootstrap and in Python for pull."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from central_server.domain.permissions import Actor, can_see
from central_server.models import Incident


def visible_incidents(actor: Actor) -> ColumnElement[bool]:
    """The SQL twin of ``domain.permissions.can_see`` (a test checks they agree)."""
    if actor.role.manages_assignments:
        return true()
    conditions: list[ColumnElement[bool]] = [
        Incident.group_id.is_(None),
        Incident.assignee_id == actor.id,
        Incident.created_by_id == actor.id,
    ]
    if actor.group_ids:
        conditions.append(Incident.group_id.in_(actor.group_ids))
    return or_(*conditions)


def incident_visible(actor: Actor, incident: Incident) -> bool:
    return can_see(
        actor, group_id=incident.group_id, assignee_id=incident.assignee_id, created_by_id=incident.created_by_id
    )
