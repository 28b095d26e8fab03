"""Who this client is on the server: what a login changes in the local database.

The first login of a data directory turns its local agent (made from the computer's user name at
first run) into the server account: every incident, note and pending change made offline moves to
the server user's id, and the never-sent ``create_agent``/``update_agent`` of the local agent are
discarded as superseded. A later login as another user, or to another server, is refused while
changes made under the previous identity still wait to be sent: they must not go out under a name
that did not make them.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop_app.domain.errors import ValidationError
from desktop_app.models import Agent, DeviceState, NumberBlock, OutboxEntry
from desktop_app.services.transaction import WriteScope
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.remap import discard_unsent, remap_id
from desktop_app.sync.store import StateSnapshot, state_row
from sync_protocol.schemas import UserInfo


def check_identity_switch(session: Session, snapshot: StateSnapshot, server_url: str, username: str) -> None:
    if snapshot.server_url is None:
        return  # first connection: what was done offline goes out as this user
    same_server = snapshot.server_url == server_url
    same_user = (snapshot.username or "").casefold() == username.casefold()
    if same_server and same_user:
        return
    pending = session.scalar(
        select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == OutboxState.PENDING)
    )
    if pending:
        raise ValidationError(
            f"{pending} change{'s' if pending != 1 else ''} made as {snapshot.username} on {snapshot.server_url} "
            "still wait to be sent. Log in as that user there and sync first (or discard them in the Outbox)."
        )


def adopt_identity(scope: WriteScope, server_url: str, user: UserInfo) -> None:
    session = scope.session
    row = state_row(session)
    first_connection = row.user_id is None
    if row.server_url is not None and row.server_url != server_url:
        # Another server: its cursor, leased numbers and snapshot mean nothing here.
        row.cursor = 0
        row.bootstrap_done = False
        session.execute(delete(NumberBlock))
    device = session.get(DeviceState, 1)
    local_agent = device.local_agent_id if device else None
    if first_connection and local_agent is not None and local_agent != user.id:
        discard_unsent(
            session,
            entity_id=local_agent,
            names=("create_agent", "update_agent"),
            code="superseded",
            reason=f"This client's local user became {user.username} on the server at login.",
            now=scope.now,
        )
        remap_id(session, "agent", local_agent, user.id, scope.now)
    _merge_same_username(session, user, scope)
    agent = session.get(Agent, user.id)
    if agent is None:
        session.add(Agent(id=user.id, name=user.name, username=user.username, email=user.email, created_at=scope.now))
    else:
        agent.name, agent.username, agent.email, agent.is_active = user.name, user.username, user.email, True
    device = session.get(DeviceState, 1)
    if device is not None:
        device.local_agent_id = user.id
    row = state_row(session)
    row.server_url, row.username, row.user_id, row.role = server_url, user.username, user.id, user.role
    row.last_error = row.last_error_code = None
    row.last_error_at = None
    session.flush()


def _merge_same_username(session: Session, user: UserInfo, scope: WriteScope) -> None:
    """A local agent with the server user's username is the same person (usernames are unique)."""
    twins = session.scalars(
        select(Agent.id).where(func.lower(Agent.username) == user.username.casefold(), Agent.id != user.id)
    ).all()
    for twin in twins:
        remap_id(session, "agent", twin, user.id, scope.now)
