"""Entity → the ``data`` of a pulled change (PROTOCOL.md "Entity data"), loaded in batches."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central_server.domain.incident_fields import to_wire
from central_server.models import (
    Attachment,
    AuditEvent,
    Category,
    Conflict,
    Group,
    Incident,
    Note,
    Reporter,
    User,
    group_members,
)
from sync_protocol.schemas import ConflictRecord, UserInfo

INCIDENT_FIELDS = (
    "id", "number", "title", "description", "channel", "reporter_id", "reporter_name", "reporter_email",
    "reporter_phone", "occurred_at", "reported_at", "category_id", "impact", "urgency", "priority",
    "priority_override_reason", "status", "hold_reason", "group_id", "assignee_id", "parent_id", "workaround",
    "resolution_code", "root_cause", "resolution_steps", "resolved_at", "closed_at", "is_drill", "created_by_id",
    "created_at", "updated_at", "version", "root_cause_category", "reporter_informed", "reporter_not_informed_reason",
)  # fmt: skip


def _row(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: to_wire(getattr(obj, name)) for name in names}


def incident_data(incident: Incident) -> dict[str, Any]:
    return _row(incident, INCIDENT_FIELDS)


def note_data(note: Note) -> dict[str, Any]:
    names = ("id", "incident_id", "kind", "body", "author_id", "created_at")
    return _row(note, (*names, "time_spent_minutes", "visibility", "details"))


def attachment_data(attachment: Attachment) -> dict[str, Any]:
    names = ("id", "incident_id", "sha256", "display_name", "mime_type", "size", "caption", "created_by")
    return _row(attachment, (*names, "created_at", "removed_at", "removed_by", "bytes_ready"))


def audit_data(event: AuditEvent) -> dict[str, Any]:
    names = ("id", "incident_id", "field", "old_value", "new_value", "actor_id", "device_time", "server_time")
    return _row(event, (*names, "mutation_id"))


def reporter_data(reporter: Reporter) -> dict[str, Any]:
    return _row(reporter, ("id", "name", "email", "phone", "department", "location", "is_vip"))


def category_data(category: Category) -> dict[str, Any]:
    return _row(category, ("id", "name", "path", "parent_id", "is_active"))


def group_data(group: Group, member_ids: list[uuid.UUID]) -> dict[str, Any]:
    return _row(group, ("id", "name", "description")) | {"member_ids": [str(m) for m in sorted(member_ids)]}


def user_data(user: User, group_ids: list[uuid.UUID]) -> dict[str, Any]:
    data = _row(user, ("id", "username", "name", "email", "role", "is_active"))
    return data | {"group_ids": [str(g) for g in sorted(group_ids)]}


def user_info(user: User, group_ids: list[uuid.UUID]) -> UserInfo:
    return UserInfo(
        id=user.id, username=user.username, name=user.name, email=user.email, role=user.role, group_ids=group_ids
    )  # type: ignore[arg-type]


def conflict_record(conflict: Conflict) -> ConflictRecord:
    return ConflictRecord(
        id=conflict.id,
        incident_id=conflict.incident_id,
        field=conflict.field,
        base=conflict.base,
        mine=conflict.mine,
        theirs=conflict.theirs,
        winner=conflict.winner,  # type: ignore[arg-type]
        mutation_id=conflict.mutation_id,
        user_id=conflict.user_id,
        created_at=conflict.created_at,
        resolved_at=conflict.resolved_at,
        resolution=conflict.resolution,  # type: ignore[arg-type]
    )


def memberships(session: Session, *, group_ids: list[uuid.UUID] | None = None, user_ids: list[uuid.UUID] | None = None):
    """(group_id, user_id) pairs for the given groups or users, as two lookups."""
    query = select(group_members.c.group_id, group_members.c.user_id)
    if group_ids is not None:
        query = query.where(group_members.c.group_id.in_(group_ids))
    if user_ids is not None:
        query = query.where(group_members.c.user_id.in_(user_ids))
    by_group: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    by_user: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for group_id, user_id in session.execute(query):
        by_group[group_id].append(user_id)
        by_user[user_id].append(group_id)
    return by_group, by_user


def users_data(session: Session, users: list[User]) -> dict[uuid.UUID, dict[str, Any]]:
    if not users:
        return {}  # no membership query for a pull that carries no user
    _, by_user = memberships(session, user_ids=[u.id for u in users])
    return {u.id: user_data(u, by_user.get(u.id, [])) for u in users}


def groups_data(session: Session, groups: list[Group]) -> dict[uuid.UUID, dict[str, Any]]:
    if not groups:
        return {}
    by_group, _ = memberships(session, group_ids=[g.id for g in groups])
    return {g.id: group_data(g, by_group.get(g.id, [])) for g in groups}
