"""Client installations: each belongs to the user who last logged in on it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from central_server.domain.permissions import Actor
from central_server.models import Client
from central_server.services.errors import forbidden


def owned_client(session: Session, client_id: uuid.UUID, actor: Actor, now: datetime) -> Client:
    """The caller's client row, created on first use; another user's client is refused (403)."""
    client = session.get(Client, client_id)
    if client is None:
        client = Client(id=client_id, user_id=actor.id, last_seq=0, created_at=now, last_seen_at=now)
        session.add(client)
        session.flush()
    elif client.user_id != actor.id:
        raise forbidden("This client_id belongs to another user's login; log in on this client first.")
    return client
