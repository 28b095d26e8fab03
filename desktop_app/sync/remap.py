"""Giving a local directory row the server's id, when both sides turn out to hold the same thing.

A client made "Network > VPN" (or the reporter jane@example.org, or the group "Service Desk") on its
own, and the server already has one with another id: the server keeps its own (PROTOCOL.md: the
same path or e-mail twice is a no-op that returns the existing id), so the client moves every
reference to the server's id. Mutations not yet sent are rewritten to match; any ``create_*`` of
the local copy that was never sent is discarded as merged (kept, with the reason, for history).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, or_, select, text, update
from sqlalchemy.orm import Session

from desktop_app.models import (
    Agent,
    AuditEvent,
    Category,
    DeviceState,
    Group,
    Incident,
    Note,
    OutboxEntry,
    Reporter,
    SyncState,
)
from desktop_app.sync.dtos import OutboxState

MODELS: dict[str, type] = {"agent": Agent, "group": Group, "category": Category, "reporter": Reporter}
CREATE_MUTATION = {
    "agent": "create_agent",
    "group": "create_group",
    "category": "create_category",
    "reporter": "create_reporter",
}
REFERENCES: dict[str, tuple[Column, ...]] = {
    "agent": (
        Incident.__table__.c.assignee_id,
        Incident.__table__.c.created_by_id,
        Note.__table__.c.author_id,
        AuditEvent.__table__.c.actor_id,
        OutboxEntry.__table__.c.actor_id,
        DeviceState.__table__.c.local_agent_id,
        SyncState.__table__.c.user_id,
    ),
    "group": (Incident.__table__.c.group_id,),
    "category": (Incident.__table__.c.category_id, Category.__table__.c.parent_id),
    "reporter": (Incident.__table__.c.reporter_id,),
}
MEMBERSHIP_COLUMN = {"agent": "agent_id", "group": "group_id"}


def remap_id(session: Session, kind: str, old: uuid.UUID, new: uuid.UUID, now: datetime) -> None:
    """Move every local reference from ``old`` to ``new``; the row itself takes the new id, or, if
    a row with the new id exists already, merges into it. Needs deferred foreign keys (see
    ``sync.store.sync_write``): rows point at the new id for a moment before it exists."""
    if old == new:
        return
    model = MODELS[kind]
    session.flush()
    stale = session.get(model, old)
    if stale is not None:
        session.expunge(stale)
    target_exists = session.scalar(select(model.id).where(model.id == new)) is not None
    for column in REFERENCES[kind]:
        session.execute(update(column.table).where(column == old).values({column.name: new}))
    membership = MEMBERSHIP_COLUMN.get(kind)
    if membership is not None:
        # (group, agent) is the key: an existing pair wins, the duplicate goes.
        params = {"old": old.hex, "new": new.hex}
        session.execute(
            text(f"UPDATE OR IGNORE group_members SET {membership} = :new WHERE {membership} = :old"), params
        )
        session.execute(text(f"DELETE FROM group_members WHERE {membership} = :old"), params)
    if target_exists:
        session.execute(model.__table__.delete().where(model.id == old))
    else:
        session.execute(update(model).where(model.id == old).values(id=new))
    rewrite_unsent_mutations(session, old, new)
    discard_unsent(
        session,
        entity_id=new,
        names=(CREATE_MUTATION[kind],),
        code="merged",
        reason=f"The server already had this {kind}; this client now uses the server's copy.",
        now=now,
    )
    session.flush()  # expire_all() would drop changes not yet flushed
    session.expire_all()


def rewrite_unsent_mutations(session: Session, old: uuid.UUID, new: uuid.UUID) -> None:
    """Mutations still waiting to be sent name the new id (sent ones are the server's business now)."""
    needle = f"%{old}%"
    entries = session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.state == OutboxState.PENDING,
            OutboxEntry.wire_seq.is_(None),
            or_(
                OutboxEntry.entity_id == old,
                text("outbox.payload LIKE :needle"),
                text("outbox.base LIKE :needle"),
            ),
        ),
        {"needle": needle},
    ).all()
    old_text, new_text = str(old), str(new)
    for entry in entries:
        if entry.entity_id == old:
            entry.entity_id = new
        entry.payload = {k: new_text if v == old_text else v for k, v in entry.payload.items()}
        entry.base = {k: new_text if v == old_text else v for k, v in entry.base.items()}


def discard_unsent(
    session: Session,
    *,
    entity_id: uuid.UUID,
    names: tuple[str, ...],
    code: str,
    reason: str,
    now: datetime,
) -> int:
    """Mark never-sent mutations of one entity discarded, with why. Sent ones must get their answer."""
    entries = session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.entity_id == entity_id,
            OutboxEntry.name.in_(names),
            OutboxEntry.state == OutboxState.PENDING,
            OutboxEntry.wire_seq.is_(None),
        )
    ).all()
    for entry in entries:
        entry.state = OutboxState.DISCARDED
        entry.error_code = code
        entry.error = reason
        entry.settled_at = now
    return len(entries)
