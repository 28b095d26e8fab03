"""The SQLite engine with the PRAGMAs this project relies on, and the session factory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000
# Page cache per connection, in KiB (grown on demand). SQLite's default 2 MiB spills big transactions
# (a bootstrap, a bulk import) to disk over and over: 20,000 incidents with the queue's indexes and its
# full-text table took 49 s with it and 9 s with 64 MiB here.
CACHE_SIZE_KIB = 65_536
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
