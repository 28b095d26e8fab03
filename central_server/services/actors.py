"""The authenticated user as the server knows them now: role and groups read on every request."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from central_server.domain.enums import Role
from central_server.domain.permissions import Actor
from central_server.models import User, group_members


def group_ids_of(session: Session, user_id: uuid.UUID) -> list[uuid.UUID]:
    return list(session.scalars(select(group_members.c.group_id).where(group_members.c.user_id == user_id)))


def load_actor(session: Session, user_id: uuid.UUID) -> Actor | None:
    """None when the user is gone or disabled: their tokens stop working at once."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return Actor(
        id=user.id, username=user.username, role=Role(user.role), group_ids=frozenset(group_ids_of(session, user.id))
    )
