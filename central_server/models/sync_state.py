"""What sync needs beyond the entities: counters, the change log, stored push results, number blocks,
the hash-chained mutation log and the server's identity."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from central_server.models.base import Base

CHANGES_COUNTER = "changes"
NUMBERS_COUNTER = "incident_numbers"
PRUNED_THROUGH_COUNTER = "changes_pruned_through"


class Counter(Base):
    """Named counters. The ``changes`` row is the one change counter: every sync write transaction
    locks it first (which serialises writers) and bumps it, so counters commit in order."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Change(Base):
    """One row per changed entity per transaction; ``pull`` sends the entity's current state."""

    __tablename__ = "changes"

    counter: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(index=True)


class PushResult(Base):
    """The MutationResult returned for (client, seq): a retry gets it back instead of a second effect."""

    __tablename__ = "push_results"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mutation_id: Mapped[uuid.UUID]
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class NumberBlock(Base):
    __tablename__ = "number_blocks"
    __table_args__ = (Index("ix_number_blocks_client_start", "client_id", "start_number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    start_number: Mapped[int] = mapped_column(BigInteger)
    end_number: Mapped[int] = mapped_column(BigInteger)
    leased_at: Mapped[datetime]


class MutationLogEntry(Base):
    """The hash-chained log of every applied or rejected mutation: hash = sha256(prev_hash + entry JSON)."""

    __tablename__ = "mutation_log"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mutation_id: Mapped[uuid.UUID | None]
    name: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None]
    client_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None]
    seq: Mapped[int | None] = mapped_column(BigInteger)
    hlc: Mapped[str | None] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(12))
    code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    device_time: Mapped[datetime | None]
    server_time: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ServerMeta(Base):
    """Key/value facts every server process shares: the server id."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
