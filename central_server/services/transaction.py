"""One write transaction: lock the change counter first, collect changed entities, publish change rows.

Locking the ``changes`` counter row before anything else serialises sync writers on PostgreSQL (the
row lock) as BEGIN IMMEDIATE does on SQLite; so each transaction reads the state its predecessor
committed, the hash chain has one tail, and change counters become visible in commit order (a
SEQUENCE would hand out values that commit out of order, and a puller would skip the late ones).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central_server.context import ServerContext
from central_server.db.engine import BEGIN_IMMEDIATE
from central_server.models import CHANGES_COUNTER, Change, Counter

ChangeKey = tuple[str, uuid.UUID]


ENTITY_ORDER = {
    entity: rank
    for rank, entity in enumerate(
        ("user", "group", "category", "reporter", "incident", "note", "audit", "attachment", "conflict")
    )
}


class WriteUnit:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._changes: dict[ChangeKey, str] = {}

    def changed(self, entity: str, entity_id: uuid.UUID, op: str = "upsert") -> None:
        # One row per entity per transaction is enough: pull sends the entity's current state.
        self._changes.pop((entity, entity_id), None)
        self._changes[(entity, entity_id)] = op

    def mark(self) -> dict[ChangeKey, str]:
        return dict(self._changes)

    def restore(self, mark: dict[ChangeKey, str]) -> None:
        """Forget changes recorded after ``mark`` (their savepoint was rolled back)."""
        self._changes = dict(mark)

    def publish(self) -> list[int]:
        """Bump the counter by the number of changed entities and write one change row per entity."""
        if not self._changes:
            return []
        # Parents before children: a client applying a page boundary between them must already
        # hold the incident when its notes and audit entries arrive.
        ordered = sorted(self._changes.items(), key=lambda item: ENTITY_ORDER.get(item[0][0], len(ENTITY_ORDER)))
        count = len(ordered)
        last = self.session.execute(
            update(Counter)
            .where(Counter.name == CHANGES_COUNTER)
            .values(value=Counter.value + count)
            .returning(Counter.value)
        ).scalar_one()
        first = int(last) - count + 1
        counters = list(range(first, int(last) + 1))
        self.session.add_all(
            Change(counter=counter, entity=entity, entity_id=entity_id, op=op, created_at=self.now)
            for counter, ((entity, entity_id), op) in zip(counters, ordered, strict=True)
        )
        self._changes.clear()
        return counters


@contextmanager
def write_unit(ctx: ServerContext, *, serialise: bool = True) -> Iterator[WriteUnit]:
    """A write transaction; ``serialise=False`` for auth bookkeeping that touches no synced state.

    On SQLite the writers of every serving process first queue on a lock (db/writer_lock.py says why).
    """
    with _sqlite_writer(ctx), ctx.sessions() as session, session.begin():
        session.connection(execution_options={BEGIN_IMMEDIATE: True})
        if serialise:
            session.execute(select(Counter.value).where(Counter.name == CHANGES_COUNTER).with_for_update())
        unit = WriteUnit(session, ctx.clock())
        yield unit
        unit.publish()


@contextmanager
def _sqlite_writer(ctx: ServerContext) -> Iterator[None]:
    if not ctx.settings.is_sqlite:
        yield
        return
    with ctx.sqlite_writer:
        yield


@contextmanager
def read_session(ctx: ServerContext) -> Iterator[Session]:
    with ctx.sessions() as session:
        yield session


def current_counter(session: Session, name: str = CHANGES_COUNTER) -> int:
    return int(session.scalar(select(Counter.value).where(Counter.name == name)) or 0)
