"""Local conflict records: from push results (no id yet), pulled ``conflict`` changes and the server's list.

One row per (mutation, field): whichever source tells first creates it, the others fill it in. A
resolution chosen here is kept until the server has been told (``resolution_sent``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.models import Conflict
from sync_protocol.schemas import ConflictRecord, FieldConflict

# Local choice → the protocol's resolution name.
RESOLUTION_NAMES = {"keep_theirs": "kept_theirs", "restore_mine": "restored_mine"}


def record_field_conflicts(
    session: Session,
    *,
    incident_id: uuid.UUID,
    mutation_id: uuid.UUID,
    user_id: uuid.UUID | None,
    conflicts: list[FieldConflict],
    at: datetime,
) -> int:
    added = 0
    for conflict in conflicts:
        row = _find(session, None, mutation_id, conflict.field)
        if row is None:
            row = Conflict(incident_id=incident_id, mutation_id=mutation_id, field=conflict.field, created_at=at)
            session.add(row)
            added += 1
        _fill(row, base=conflict.base, mine=conflict.mine, theirs=conflict.theirs, winner=conflict.winner)
        row.user_id = row.user_id or user_id
    session.flush()
    return added


def upsert_conflict_record(session: Session, record: ConflictRecord) -> Conflict:
    row = _find(session, record.id, record.mutation_id, record.field)
    if row is None:
        row = Conflict(
            incident_id=record.incident_id,
            mutation_id=record.mutation_id,
            field=record.field,
            created_at=record.created_at,
        )
        session.add(row)
    row.server_id = record.id
    row.incident_id = record.incident_id
    row.user_id = record.user_id
    _fill(row, base=record.base, mine=record.mine, theirs=record.theirs, winner=record.winner)
    if record.resolved_at is not None and row.resolved_at is None:
        # Resolved on the server (another device of this user): adopt it, nothing left to tell.
        row.resolved_at = record.resolved_at
        row.resolution = {"kept_theirs": "keep_theirs", "restored_mine": "restore_mine"}.get(record.resolution or "")
        row.resolution_sent = True
    session.flush()
    return row


def unsent_resolutions(session: Session) -> list[Conflict]:
    return list(
        session.scalars(
            select(Conflict).where(Conflict.resolved_at.is_not(None), Conflict.resolution_sent.is_(False))
        ).all()
    )


def _find(session: Session, server_id: uuid.UUID | None, mutation_id: uuid.UUID, field: str) -> Conflict | None:
    conditions = [(Conflict.mutation_id == mutation_id) & (Conflict.field == field)]
    if server_id is not None:
        conditions.append(Conflict.server_id == server_id)
    return session.scalars(select(Conflict).where(or_(*conditions)).limit(1)).first()


def _fill(row: Conflict, *, base: Any, mine: Any, theirs: Any, winner: str) -> None:
    row.base, row.mine, row.theirs, row.winner = base, mine, theirs, winner
