"""The sync outbox, the local numbering sequence and this device's identity."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class OutboxEntry(UuidPrimaryKey, Base):
    """One intent-level mutation waiting for (or done with) the server: DESIGN §4."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_seq", "state", "seq"),
        # The local overlay asks "which pending mutations touch this entity?" on every pulled page.
        Index("ix_outbox_entity_state", "entity_id", "state"),
    )

    seq: Mapped[int] = mapped_column(unique=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID]
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    base: Mapped[dict[str, object]] = mapped_column(JSON)
    hlc: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # pending → applied / rejected / conflict (the server's answer), or discarded by the user;
    # never deleted. See desktop_app.sync.dtos.OutboxState.
    state: Mapped[str] = mapped_column(String(12), default="pending")
    # The rejection (or local discard) reason; ``error_code`` is the server's stable code.
    error: Mapped[str | None] = mapped_column(String(1000))
    error_code: Mapped[str | None] = mapped_column(String(40))
    # The seq this mutation travels under. Given when it is first sent, never changed after, and
    # contiguous across sends: the server refuses gaps, and entries discarded before they were ever
    # sent must not leave one.
    wire_seq: Mapped[int | None] = mapped_column(unique=True)
    # The server's MutationResult, as JSON, once it has answered.
    result: Mapped[dict[str, object] | None] = mapped_column(JSON)
    settled_at: Mapped[datetime | None]
    # Set when a rejected entry was resent: the entry that carries its intent now.
    superseded_by: Mapped[uuid.UUID | None]


class Counter(Base):
    """Named monotonic counters: incident numbers, outbox seq. Bumped inside the writing transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class DeviceState(Base):
    """Single row: who this client is and the last hybrid-clock value it issued."""

    __tablename__ = "device_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID]
    local_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    last_hlc: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime]
