"""The composition root of one server process: settings, engine, sessions, clock, password hasher.

Nothing here outlives a request in a way that matters: every fact lives in the database, so any
number of processes can serve one PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from central_server.db.engine import create_server_engine, make_session_factory
from central_server.db.migrate import migrate
from central_server.db.writer_lock import SqliteWriterLock, writer_lock_for
from central_server.domain.clock import Clock, utc_now
from central_server.models import ServerMeta
from central_server.services.render_cache import RenderCache
from central_server.settings import ServerSettings


@dataclass
class ServerContext:
    settings: ServerSettings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    server_id: uuid.UUID
    passwords: PasswordHasher
    _dummy_password_hash: str | None = None
    # SQLite has one writer at a time: writers of every serving process queue here (db/writer_lock.py).
    sqlite_writer: SqliteWriterLock = field(default_factory=lambda: SqliteWriterLock(None))
    # What pulled change rows went out with, shared by every client this process serves.
    render_cache: RenderCache = field(default_factory=RenderCache)

    @property
    def dummy_password_hash(self) -> str:
        """Verified against when a username is unknown, so that answer takes as long as a wrong password."""
        if self._dummy_password_hash is None:
            self._dummy_password_hash = self.passwords.hash(uuid.uuid4().hex)
        return self._dummy_password_hash

    def close(self) -> None:
        self.engine.dispose()


def open_server(settings: ServerSettings, *, clock: Clock = utc_now) -> ServerContext:
    """Connect, migrate to head, read the server's id."""
    engine = create_server_engine(settings.database_url)
    try:
        migrate(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            server_id = uuid.UUID(session.scalar(select(ServerMeta.value).where(ServerMeta.key == "server_id")))
    except BaseException:
        engine.dispose()
        raise
    cost = settings.argon2
    hasher = PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_cost_kib, parallelism=cost.parallelism)
    return ServerContext(
        settings, engine, sessions, clock, server_id, hasher, sqlite_writer=writer_lock_for(settings.database_url)
    )
