"""The hash-chained mutation log: ``hash = sha256(prev_hash + canonical JSON of the entry)``.

Every column of an entry is in its canonical JSON, so changing, inserting or deleting any row breaks
the chain from there on; ``verify_chain`` says where.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central_server.models import MutationLogEntry

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class LogRecord:
    """What one entry says: which mutation, whose, when (device and server), and what came of it."""

    name: str
    outcome: str
    server_time: datetime
    mutation_id: uuid.UUID | None = None
    entity_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    seq: int | None = None
    hlc: str | None = None
    code: str | None = None
    reason: str | None = None
    device_time: datetime | None = None


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    broken_at: int | None = None  # position of the first entry that does not verify
    problem: str | None = None


def _text(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def entry_document(entry: MutationLogEntry) -> str:
    fields = {
        "position": entry.position,
        "mutation_id": entry.mutation_id,
        "name": entry.name,
        "entity_id": entry.entity_id,
        "client_id": entry.client_id,
        "user_id": entry.user_id,
        "seq": entry.seq,
        "hlc": entry.hlc,
        "outcome": entry.outcome,
        "code": entry.code,
        "reason": entry.reason,
        "device_time": entry.device_time,
        "server_time": entry.server_time,
    }
    return json.dumps({k: _text(v) for k, v in fields.items()}, sort_keys=True, separators=(",", ":"))


def chain_hash(prev_hash: str, document: str) -> str:
    return hashlib.sha256((prev_hash + document).encode("utf-8")).hexdigest()


def append_entry(session: Session, record: LogRecord) -> MutationLogEntry:
    """Append after the current tail; the caller holds the change-counter lock, so the tail is stable."""
    return append_entries(session, [record])[0]


def append_entries(session: Session, records: list[LogRecord]) -> list[MutationLogEntry]:
    """Append several entries in order with one read of the tail (a push group's mutations)."""
    tail = session.execute(
        select(MutationLogEntry.position, MutationLogEntry.hash).order_by(MutationLogEntry.position.desc()).limit(1)
    ).first()
    position, prev_hash = (tail[0] + 1, tail[1]) if tail else (1, GENESIS_HASH)
    entries = []
    for record in records:
        entry = MutationLogEntry(
            position=position,
            mutation_id=record.mutation_id,
            name=record.name,
            entity_id=record.entity_id,
            client_id=record.client_id,
            user_id=record.user_id,
            seq=record.seq,
            hlc=record.hlc,
            outcome=record.outcome,
            code=record.code,
            reason=record.reason,
            # The database keeps microseconds: hash what will be read back.
            device_time=record.device_time,
            server_time=record.server_time,
            prev_hash=prev_hash,
            hash="",
        )
        entry.hash = chain_hash(prev_hash, entry_document(entry))
        entries.append(entry)
        position, prev_hash = position + 1, entry.hash
    session.add_all(entries)  # written with the rest of the transaction, in one batch
    return entries


def verify_chain(session: Session, *, batch: int = 1000) -> ChainVerdict:
    expected_prev = GENESIS_HASH
    expected_position = 1
    checked = 0
    query = select(MutationLogEntry).order_by(MutationLogEntry.position).execution_options(yield_per=batch)
    rows = session.execute(query)
    for entry in rows.scalars():
        if entry.position != expected_position:
            return ChainVerdict(False, checked, entry.position, f"expected position {expected_position}")
        if entry.prev_hash != expected_prev:
            return ChainVerdict(False, checked, entry.position, "prev_hash does not match the entry before")
        if chain_hash(entry.prev_hash, entry_document(entry)) != entry.hash:
            return ChainVerdict(False, checked, entry.position, "the entry's content does not match its hash")
        expected_prev = entry.hash
        expected_position += 1
        checked += 1
    return ChainVerdict(True, checked)
