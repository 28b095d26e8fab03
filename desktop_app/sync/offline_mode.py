"""Going back to "work offline only": sign out and forget the server, without losing a change.

Logging in stores the server address (``sync_state.server_url``); this clears it, so the client is
standalone again, as it was before the first login. It is refused while changes made under the
server identity still wait to be sent (as a login to another server or user is, identity.py): they
must not go out later under a name or to a server that did not make them. Sync them first, or
discard them in the Outbox.

What the server sent stays here. The pull cursor, the bootstrap mark and the leased number blocks
are reset, so a later login (to this server or another) starts from a fresh bootstrap and new
numbers rather than from a position that may no longer mean anything.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop_app.domain.errors import ValidationError
from desktop_app.models import NumberBlock, OutboxEntry
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.engine import SyncEngine
from desktop_app.sync.store import state_row


def work_offline_only(engine: SyncEngine) -> bool:
    """Sign out (telling the server when it answers) and clear the server; True if it was connected."""
    snapshot = engine.store.snapshot()
    if snapshot.server_url is None:
        return False
    with engine.store.read() as session:
        _refuse_if_waiting(session, snapshot.server_url)
    if snapshot.username is not None:
        engine.logout()  # forgets the token here; tells the server when it answers
    with engine.store.write() as scope:
        _refuse_if_waiting(scope.session, snapshot.server_url)  # a change made while signing out
        row = state_row(scope.session)
        row.server_url = row.username = row.role = None
        row.cursor = 0
        row.bootstrap_done = False
        row.last_error = row.last_error_code = None
        row.last_error_at = None
        scope.session.execute(delete(NumberBlock))
    return True


def _refuse_if_waiting(session: Session, server_url: str) -> None:
    waiting = session.scalar(
        select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == OutboxState.PENDING)
    )
    if waiting:
        raise ValidationError(
            f"{waiting} change{'s' if waiting != 1 else ''} made while connected to {server_url} still wait to "
            "be sent. Sync first (or discard them in the Outbox), then choose to work offline only."
        )
