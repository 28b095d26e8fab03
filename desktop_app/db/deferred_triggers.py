"""Triggers set aside for a bulk load inside one write transaction, then put back as they were.

Used where a bulk load does once at the end what per-row triggers would do (``search_index``,
``sla_due_bulk``). DDL is transactional in SQLite: if the block fails, the rollback restores them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session

TRIGGER_SQL = text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN :names").bindparams(
    bindparam("names", expanding=True)
)


@contextmanager
def triggers_dropped(session: Session | Connection, names: Sequence[str]) -> Iterator[bool]:
    """Drop the named triggers for the block; yields whether they all existed (an older schema
    lacks some: then nothing is dropped). On leaving, pending ORM writes are flushed and the
    triggers are created again, so the caller's catch-up statement after the block sees every row."""
    saved = dict(session.execute(TRIGGER_SQL, {"names": list(names)}).all())
    if len(saved) != len(names):
        yield False
        return
    for name in names:
        session.execute(text(f"DROP TRIGGER {name}"))
    yield True
    if isinstance(session, Session):
        session.flush()
    for name in names:
        session.execute(text(saved[name]))
