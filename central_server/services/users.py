"""Accounts for the ``helpdesk-server user`` and ``group`` commands; each change is published for pull."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from central_server.context import ServerContext
from central_server.domain.enums import Role
from central_server.domain.ids import new_id
from central_server.domain.incident_fields import EMAIL_MAX, NAME_MAX
from central_server.models import Group, User, group_members
from central_server.services.auth import normalise_username, revoke_user_tokens
from central_server.services.transaction import read_session, write_unit

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A refused account command; the message says what to do."""


@dataclass(frozen=True)
class UserRow:
    id: uuid.UUID
    username: str
    name: str
    email: str | None
    role: str
    is_active: bool
    groups: list[str]
    can_log_in: bool


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    return password


def _group_named(session: Session, name: str) -> Group | None:
    return session.scalar(select(Group).where(func.lower(Group.name) == " ".join(name.split()).lower()))


def _user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise AccountError(f"There is no user {username!r}; see `helpdesk-server user list`.")
    return user


def add_group(ctx: ServerContext, name: str, description: str | None = None) -> tuple[uuid.UUID, bool]:
    """Returns (id, created); an existing group of that name is kept."""
    clean = " ".join(name.split())
    if not clean or len(clean) > NAME_MAX:
        raise AccountError(f"A group name has 1 to {NAME_MAX} characters.")
    with write_unit(ctx) as unit:
        existing = _group_named(unit.session, clean)
        if existing is not None:
            return existing.id, False
        group = Group(id=new_id(), name=clean, description=description, created_at=unit.now)
        unit.session.add(group)
        unit.changed("group", group.id)
        return group.id, True


def add_user(
    ctx: ServerContext,
    username: str,
    *,
    role: str,
    password: str,
    name: str | None = None,
    email: str | None = None,
    groups: list[str] | None = None,
) -> uuid.UUID:
    key = normalise_username(username)
    if not key or len(key) > NAME_MAX or any(ch.isspace() for ch in key):
        raise AccountError(f"A username has 1 to {NAME_MAX} characters and no spaces.")
    if role not in {r.value for r in Role}:
        raise AccountError(f"The role must be one of {', '.join(r.value for r in Role)}.")
    if email and len(email) > EMAIL_MAX:
        raise AccountError(f"The e-mail address is longer than {EMAIL_MAX} characters.")
    password_hash = ctx.passwords.hash(check_password(password))
    group_ids = [add_group(ctx, group)[0] for group in groups or []]
    with write_unit(ctx) as unit:
        if unit.session.scalar(select(User.id).where(User.username == key)) is not None:
            raise AccountError(f"The user {key!r} already exists; `user passwd` changes the password.")
        user = User(
            id=new_id(),
            username=key,
            name=(name or username).strip()[:NAME_MAX],
            email=email,
            role=role,
            is_active=True,
            password_hash=password_hash,
            created_at=unit.now,
            updated_at=unit.now,
        )
        unit.session.add(user)
        unit.session.flush()
        for group_id in group_ids:
            unit.session.execute(insert(group_members).values(group_id=group_id, user_id=user.id))
            unit.changed("group", group_id)
        unit.changed("user", user.id)
        return user.id


def list_users(ctx: ServerContext) -> list[UserRow]:
    with read_session(ctx) as session:
        names = dict(session.execute(select(Group.id, Group.name)).all())
        memberships: dict[uuid.UUID, list[str]] = {}
        for group_id, user_id in session.execute(select(group_members.c.group_id, group_members.c.user_id)):
            memberships.setdefault(user_id, []).append(names[group_id])
        return [
            UserRow(
                id=u.id,
                username=u.username,
                name=u.name,
                email=u.email,
                role=u.role,
                is_active=u.is_active,
                groups=sorted(memberships.get(u.id, [])),
                can_log_in=u.password_hash is not None and u.is_active,
            )
            for u in session.scalars(select(User).order_by(User.username))
        ]


def disable_user(ctx: ServerContext, username: str) -> None:
    """Refused at the next request: access tokens are checked against the user, refresh tokens revoked."""
    with write_unit(ctx) as unit:
        user = _user_named(unit.session, username)
        user.is_active = False
        user.updated_at = unit.now
        revoke_user_tokens(unit.session, user.id, unit.now)
        unit.changed("user", user.id)


def set_password(ctx: ServerContext, username: str, password: str) -> None:
    password_hash = ctx.passwords.hash(check_password(password))
    with write_unit(ctx) as unit:
        user = _user_named(unit.session, username)
        user.password_hash = password_hash
        user.updated_at = unit.now
        # A new password ends every session made with the old one.
        revoke_user_tokens(unit.session, user.id, unit.now)


def add_members(ctx: ServerContext, group_name: str, usernames: list[str]) -> list[str]:
    """Returns the usernames newly added (members already in the group are left as they are)."""
    added: list[str] = []
    with write_unit(ctx) as unit:
        group = _group_named(unit.session, group_name)
        if group is None:
            raise AccountError(f"There is no group {group_name!r}; `helpdesk-server group add` makes one.")
        users = [_user_named(unit.session, name) for name in usernames]
        current = set(unit.session.scalars(select(group_members.c.user_id).where(group_members.c.group_id == group.id)))
        for user in users:
            if user.id in current:
                continue
            unit.session.execute(insert(group_members).values(group_id=group.id, user_id=user.id))
            current.add(user.id)
            unit.changed("user", user.id)
            added.append(user.username)
        if added:
            unit.changed("group", group.id)
    return added
