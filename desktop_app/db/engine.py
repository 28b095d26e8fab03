"""The SQLite engine with the PRAGMAs this project relies on, and the session factory."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000
# Page cache per connection, in KiB. Reads of a million-incident queue filled a 64 MiB cache and took
# the app to 313 MB (8 MiB: 224 MB); bulk writes ask for the big one while they run (bulk_page_cache).
CACHE_SIZE_KIB = 8_192
# SQLite's default 2 MiB spilled a 20,000-incident bootstrap to disk over and over: 49 s; 64 MiB: 9 s.
BULK_CACHE_SIZE_KIB = 65_536
# Execution option: a transaction begun on a connection carrying it starts with BEGIN IMMEDIATE.
BEGIN_IMMEDIATE = "helpdesk_begin_immediate"


def _apply_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # pysqlite opens transactions lazily; take control so BEGIN is issued where SQLAlchemy says.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
    cursor.close()


def _begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(BEGIN_IMMEDIATE) else "BEGIN")


def create_sqlite_engine(db_path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{db_path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _apply_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def bulk_page_cache(session: Session) -> Iterator[None]:
    """A big page cache on this session's connection for one bulk transaction, then the usual one."""
    session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_SIZE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}"))
