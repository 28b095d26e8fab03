"""Shared plumbing of the services: one transaction per call, audit events and the sync outbox."""

from __future__ import annotations

import errno
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DatabaseError as SqlDatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.db.engine import BEGIN_IMMEDIATE
from desktop_app.domain.clock import Clock, HybridTimestamp, next_hlc, utc_now
from desktop_app.domain.dtos import Change, ChangeSet
from desktop_app.domain.errors import DatabaseError, StorageFullError
from desktop_app.domain.ids import IdFactory, new_id
from desktop_app.models import AuditEvent, Counter, DeviceState, OutboxEntry


@dataclass
class ServiceEnv:
    """What every service shares: the session factory, the clock and the id factory."""

    sessions: sessionmaker[Session]
    clock: Clock = utc_now
    ids: IdFactory = new_id


@dataclass
class WriteScope:
    """One write transaction: collects changes, issues audit events and outbox entries."""

    session: Session
    env: ServiceEnv
    actor_id: uuid.UUID | None
    now: datetime
    changes: list[Change] = field(default_factory=list)
    # The last stamp this scope issued: covers entries written before the device row exists (first run).
    last_hlc: HybridTimestamp | None = None

    def changed(self, entity: str, entity_id: uuid.UUID, kind: str = "updated") -> None:
        self.changes.append(Change(entity, entity_id, kind))

    def change_set(self) -> ChangeSet:
        return ChangeSet(tuple(self.changes))

    def audit(self, incident_id: uuid.UUID, field_name: str, old: object, new: object, mutation_id: uuid.UUID) -> None:
        self.session.add(
            AuditEvent(
                id=self.env.ids(),
                incident_id=incident_id,
                field=field_name,
                old_value=_audit_text(old),
                new_value=_audit_text(new),
                actor_id=self.actor_id,
                device_time=self.now,
                mutation_id=mutation_id,
            )
        )

    def enqueue(
        self, name: str, entity_id: uuid.UUID, payload: dict[str, Any], base: dict[str, Any] | None = None
    ) -> uuid.UUID:
        """Append the intent-level mutation for sync (DESIGN §4) in this same transaction."""
        mutation_id = self.env.ids()
        self.session.add(
            OutboxEntry(
                id=self.env.ids(),
                seq=next_counter(self.session, "outbox_seq"),
                mutation_id=mutation_id,
                name=name,
                entity_id=entity_id,
                payload=_jsonable(payload),
                base=_jsonable(base or {}),
                hlc=self._next_hlc(),
                actor_id=self.actor_id,
                created_at=self.now,
            )
        )
        return mutation_id

    def _next_hlc(self) -> str:
        state = self.session.get(DeviceState, 1)
        stored = HybridTimestamp.decode(state.last_hlc) if state is not None and state.last_hlc else None
        candidates = [stamp for stamp in (stored, self.last_hlc) if stamp is not None]
        self.last_hlc = next_hlc(max(candidates) if candidates else None, self.now)
        if state is not None:
            state.last_hlc = self.last_hlc.encode()
        return self.last_hlc.encode()


def next_counter(session: Session, name: str) -> int:
    """Bump a named counter inside the caller's transaction (SQLite serialises writers)."""
    value = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if value is None:
        session.add(Counter(name=name, value=1))
        session.flush()
        return 1
    return int(value)


def local_agent_id(session: Session) -> uuid.UUID | None:
    return session.execute(select(DeviceState.local_agent_id).where(DeviceState.id == 1)).scalar()


class ServiceBase:
    def __init__(self, env: ServiceEnv) -> None:
        self._env = env

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with translate_db_errors(), self._env.sessions() as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[WriteScope]:
        with translate_db_errors(), self._env.sessions() as session, session.begin():
            # BEGIN IMMEDIATE: take the write lock before the first read, so a writer in another
            # process (the CLI beside the GUI) makes this one wait (busy_timeout) instead of failing
            # with SQLITE_BUSY when a deferred transaction tries to upgrade a stale read snapshot.
            session.connection(execution_options={BEGIN_IMMEDIATE: True})
            yield WriteScope(session, self._env, local_agent_id(session), self._env.clock())


@contextmanager
def translate_db_errors() -> Iterator[None]:
    """Turn driver failures into typed errors with a message a person can act on."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig).lower()
        if ("disk" in text and "full" in text) or getattr(exc.orig, "sqlite_errorcode", None) == 13:
            raise StorageFullError(
                "The disk holding the help-desk database is full; nothing was saved. Free some space and try again."
            ) from exc
        if "locked" in text or "busy" in text:
            raise DatabaseError("The database is busy in another program; nothing was saved. Try again.") from exc
        raise DatabaseError(f"The database could not complete the change; nothing was saved ({exc.orig}).") from exc
    except SqlDatabaseError as exc:
        raise DatabaseError(f"The database reported an error; nothing was saved ({exc.orig}).") from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageFullError("The disk is full; nothing was saved. Free some space and try again.") from exc
        raise


def _audit_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, uuid.UUID):
            out[key] = str(value)
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        elif isinstance(value, Enum):
            out[key] = value.value
        else:
            out[key] = value
    return out
