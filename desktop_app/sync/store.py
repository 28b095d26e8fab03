"""The sync engine's own transactions on the local database, and its state row."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop_app.domain.errors import NotFoundError
from desktop_app.models import DeviceState, SyncState
from desktop_app.services.transaction import ServiceBase, WriteScope


@dataclass(frozen=True)
class StateSnapshot:
    server_url: str | None
    username: str | None
    user_id: uuid.UUID | None
    role: str | None
    cursor: int
    last_pull_at: datetime | None
    last_push_at: datetime | None
    last_error: str | None
    last_error_code: str | None
    last_error_at: datetime | None
    bootstrap_done: bool
    client_id: uuid.UUID | None
    local_agent_id: uuid.UUID | None
    device_created_at: datetime | None


def state_row(session: Session) -> SyncState:
    """The single sync_state row, created (offline-only) the first time it is needed."""
    row = session.get(SyncState, 1)
    if row is None:
        row = SyncState(id=1, cursor=0, bootstrap_done=False)
        session.add(row)
        session.flush()
    return row


class SyncStore(ServiceBase):
    @property
    def now(self) -> datetime:
        return self._env.clock()

    def clock(self) -> datetime:
        """The device's clock (the services' one): what a push reports as X-Client-Time."""
        return self._env.clock()

    @contextmanager
    def write(self) -> Iterator[WriteScope]:
        """BEGIN IMMEDIATE, with foreign keys checked at commit: a page of changes may name a row
        (a group, a parent incident) a moment before it arrives, and a merge moves a row's id."""
        with self._write() as scope:
            scope.session.execute(text("PRAGMA defer_foreign_keys = ON"))
            yield scope

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    def snapshot(self) -> StateSnapshot:
        with self._read() as session:
            row = session.get(SyncState, 1) or SyncState(id=1, cursor=0, bootstrap_done=False)
            device = session.get(DeviceState, 1)
            return StateSnapshot(
                server_url=row.server_url,
                username=row.username,
                user_id=row.user_id,
                role=row.role,
                cursor=row.cursor,
                last_pull_at=row.last_pull_at,
                last_push_at=row.last_push_at,
                last_error=row.last_error,
                last_error_code=row.last_error_code,
                last_error_at=row.last_error_at,
                bootstrap_done=row.bootstrap_done,
                client_id=device.device_id if device else None,
                local_agent_id=device.local_agent_id if device else None,
                device_created_at=device.created_at if device else None,
            )

    def client_id(self) -> uuid.UUID:
        client = self.snapshot().client_id
        if client is None:
            raise NotFoundError("This client is not set up yet: run `helpdesk-cli init` first.")
        return client

    def record_error(self, code: str, message: str) -> None:
        with self.write() as scope:
            row = state_row(scope.session)
            row.last_error, row.last_error_code, row.last_error_at = message[:1000], code, scope.now

    def record_success(self, *, pushed: bool) -> None:
        with self.write() as scope:
            row = state_row(scope.session)
            row.last_pull_at = scope.now
            if pushed:
                row.last_push_at = scope.now
            row.last_error = row.last_error_code = None
            row.last_error_at = None
