"""Directory mutations: reporters and categories by anyone (deduplicated), groups, members and agents by admins."""

from __future__ import annotations

import uuid

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from central_server.domain.enums import Role
from central_server.domain.errors import InvalidValueError, NotFoundError
from central_server.domain.incident_fields import (
    EMAIL_MAX,
    NAME_MAX,
    PHONE_MAX,
    REASON_MAX,
    flag,
    optional_uuid,
    parse_fields,
    text,
)
from central_server.domain.permissions import check_admin, check_update_agent
from central_server.models import Category, Group, Reporter, User, group_members
from central_server.services.mutations.scope import (
    Applied,
    MutationScope,
    remember_alias,
    require_payload_keys,
    resolve_alias,
)

CATEGORY_SEPARATOR = " > "
PATH_MAX = 500
REPORTER_PAYLOAD = {
    "name": text(NAME_MAX, required=True),
    "email": text(EMAIL_MAX),
    "phone": text(PHONE_MAX),
    "department": text(NAME_MAX),
    "location": text(NAME_MAX),
    "is_vip": flag,
}
AGENT_PAYLOAD = {
    "name": text(NAME_MAX, required=True),
    "username": text(NAME_MAX, required=True),
    "email": text(EMAIL_MAX),
}
AGENT_UPDATE_PAYLOAD = {"name": text(NAME_MAX, required=True), "email": text(EMAIL_MAX)}
CATEGORY_PAYLOAD = {"path": text(PATH_MAX, required=True), "parent_id": optional_uuid}


def _existing(existing_id: object, note: str) -> Applied:
    return Applied(assigned={"id": str(existing_id)}, note=note)


def create_reporter(scope: MutationScope) -> Applied:
    session, entity_id = scope.session, scope.mutation.entity_id
    if session.get(Reporter, entity_id) is not None:
        return _existing(entity_id, "The reporter was already created.")
    require_payload_keys(scope.mutation.payload, "name")
    values = parse_fields(scope.mutation.payload, REPORTER_PAYLOAD, what="create_reporter")
    email_key = values["email"].strip().casefold() if values.get("email") else None
    if email_key:
        same = session.scalar(select(Reporter).where(Reporter.email_key == email_key))
        if same is not None:
            remember_alias(session, "reporter", entity_id, same.id)
            return _existing(same.id, "A reporter with this e-mail already exists.")
    session.add(
        Reporter(
            id=entity_id,
            email_key=email_key,
            is_vip=values.pop("is_vip", False) or False,
            created_at=scope.now,
            updated_at=scope.now,
            **values,
        )
    )
    scope.unit.changed("reporter", entity_id)
    return Applied(assigned={"id": str(entity_id)})


def path_key(path: str) -> str:
    return CATEGORY_SEPARATOR.join(" ".join(part.split()).casefold() for part in path.split(">"))


def create_category(scope: MutationScope) -> Applied:
    session, entity_id = scope.session, scope.mutation.entity_id
    if session.get(Category, entity_id) is not None:
        return _existing(entity_id, "The category was already created.")
    require_payload_keys(scope.mutation.payload, "path")
    values = parse_fields(scope.mutation.payload, CATEGORY_PAYLOAD, what="create_category")
    parent_path, _, name = values["path"].rpartition(">")
    parent = _category_parent(session, values.get("parent_id"), parent_path)
    # Under the parent's current path: an admin may have renamed or moved it since the client saw it.
    path = f"{parent.path}{CATEGORY_SEPARATOR}{name.strip()}" if parent is not None else values["path"]
    same = session.scalar(select(Category).where(Category.path_key == path_key(path)))
    if same is not None:
        remember_alias(session, "category", entity_id, same.id)
        return _existing(same.id, "A category with this path already exists.")
    session.add(
        Category(
            id=entity_id,
            name=name.strip(),
            path=path,
            path_key=path_key(path),
            parent_id=parent.id if parent else None,
            # Under a deactivated branch it starts deactivated too: the branch stays retired as a whole.
            is_active=parent.is_active if parent is not None else True,
            created_at=scope.now,
        )
    )
    scope.unit.changed("category", entity_id)
    return Applied(assigned={"id": str(entity_id)})


def _category_parent(session: Session, parent_id: uuid.UUID | None, parent_path: str) -> Category | None:
    """The parent by the client's id for it (read through aliases), else by its path (a starter category
    the server never saw under that id); None at the top level."""
    if not parent_path.strip():
        return None
    parent = session.get(Category, resolve_alias(session, "category", parent_id)) if parent_id else None
    if parent is None:
        parent = session.scalar(select(Category).where(Category.path_key == path_key(parent_path)))
    if parent is None:
        raise NotFoundError(f"The parent category {parent_path.strip()!r} is not on the server; create it first.")
    return parent


def create_group(scope: MutationScope) -> Applied:
    check_admin(scope.actor, "create groups")
    session, entity_id = scope.session, scope.mutation.entity_id
    if session.get(Group, entity_id) is not None:
        return _existing(entity_id, "The group was already created.")
    require_payload_keys(scope.mutation.payload, "name")
    values = parse_fields(
        scope.mutation.payload,
        {"name": text(NAME_MAX, required=True), "description": text(REASON_MAX)},
        what="create_group",
    )
    same = session.scalar(select(Group).where(func.lower(Group.name) == values["name"].strip().lower()))
    if same is not None:
        remember_alias(session, "group", entity_id, same.id)
        return _existing(same.id, "A group with this name already exists.")
    session.add(Group(id=entity_id, name=values["name"], description=values.get("description"), created_at=scope.now))
    scope.unit.changed("group", entity_id)
    return Applied(assigned={"id": str(entity_id)})


def add_group_member(scope: MutationScope) -> Applied:
    check_admin(scope.actor, "change group members")
    session = scope.session
    require_payload_keys(scope.mutation.payload, "agent_id")
    agent_id = optional_uuid("agent_id", scope.mutation.payload["agent_id"])
    if agent_id is None:
        raise InvalidValueError("add_group_member needs an agent_id.")
    group = session.get(Group, resolve_alias(session, "group", scope.mutation.entity_id))
    user = session.get(User, resolve_alias(session, "user", agent_id))
    if group is None or user is None:
        raise NotFoundError("That group or agent is not on the server.")
    if _is_member(session, group, user):
        return Applied(note="Already a member.")
    session.execute(insert(group_members).values(group_id=group.id, user_id=user.id))
    scope.unit.changed("group", group.id)
    scope.unit.changed("user", user.id)
    return Applied()


def _is_member(session: Session, group: Group, user: User) -> bool:
    found = session.execute(
        select(group_members.c.user_id).where(group_members.c.group_id == group.id, group_members.c.user_id == user.id)
    ).first()
    return found is not None


def create_agent(scope: MutationScope) -> Applied:
    check_admin(scope.actor, "create agents")
    session, entity_id = scope.session, scope.mutation.entity_id
    if session.get(User, entity_id) is not None:
        return _existing(entity_id, "The agent was already created.")
    require_payload_keys(scope.mutation.payload, "name", "username")
    values = parse_fields(scope.mutation.payload, AGENT_PAYLOAD, what="create_agent")
    username = values["username"].strip().casefold()
    same = session.scalar(select(User).where(User.username == username))
    if same is not None:
        remember_alias(session, "user", entity_id, same.id)
        return _existing(same.id, "A user with this username already exists.")
    # No password: the agent appears in every directory and can log in once an admin sets one.
    session.add(
        User(
            id=entity_id,
            username=username,
            name=values["name"],
            email=values.get("email"),
            role=Role.AGENT.value,
            is_active=True,
            password_hash=None,
            created_at=scope.now,
            updated_at=scope.now,
        )
    )
    scope.unit.changed("user", entity_id)
    return Applied(assigned={"id": str(entity_id)})


def update_agent(scope: MutationScope) -> Applied:
    """Name and e-mail: an admin's for anyone, and everyone's for themselves (role and groups stay with admins)."""
    session = scope.session
    agent_id = resolve_alias(session, "user", scope.mutation.entity_id)
    check_update_agent(scope.actor, agent_id, set(scope.mutation.payload))
    user = session.get(User, agent_id)
    if user is None:
        raise NotFoundError("That agent is not on the server.")
    values = parse_fields(scope.mutation.payload, AGENT_UPDATE_PAYLOAD, what="update_agent")
    changed = False
    for name, value in values.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if changed:
        user.updated_at = scope.now
        scope.unit.changed("user", user.id)
    return Applied()
