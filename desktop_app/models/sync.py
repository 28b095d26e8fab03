"""What the client keeps about its server: connection state, leased numbers, conflicts, server copies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class SyncState(Base):
    """Single row (id 1). ``server_url`` NULL means offline-only, the default for a new client."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_url: Mapped[str | None] = mapped_column(String(500))
    username: Mapped[str | None] = mapped_column(String(120))
    user_id: Mapped[uuid.UUID | None]
    role: Mapped[str | None] = mapped_column(String(20))
    # The server's change counter up to which this client has applied every change.
    cursor: Mapped[int] = mapped_column(default=0)
    last_pull_at: Mapped[datetime | None]
    last_push_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_error_at: Mapped[datetime | None]
    bootstrap_done: Mapped[bool] = mapped_column(default=False)


class NumberBlock(Base):
    """A range of incident numbers the server leased to this client; ``next`` is the first unused one."""

    __tablename__ = "number_blocks"

    start: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    end: Mapped[int]
    next: Mapped[int]
    leased_at: Mapped[datetime]


class Conflict(UuidPrimaryKey, Base):
    """A field both sides changed (the server's ConflictRecord), plus what this user did about it."""

    __tablename__ = "conflicts"
    __table_args__ = (
        Index("ix_conflicts_mutation_field", "mutation_id", "field", unique=True),
        Index("ix_conflicts_resolved", "resolved_at"),
    )

    # The server's id; NULL while only the push result (which carries no id) has told us.
    server_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    incident_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(60))
    base: Mapped[Any] = mapped_column(JSON, nullable=True)
    mine: Mapped[Any] = mapped_column(JSON, nullable=True)
    theirs: Mapped[Any] = mapped_column(JSON, nullable=True)
    winner: Mapped[str] = mapped_column(String(6))
    mutation_id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(20))
    # A resolution made here is told to the server on the next sync; until then this is False.
    resolution_sent: Mapped[bool] = mapped_column(default=False)


class IncidentShadow(Base):
    """The incident as the server last sent it (its wire ``data``).

    The local row is this plus the fields of still-pending local mutations (the overlay). When a
    mutation is settled (applied, rejected, lost a conflict, discarded) its fields fall back to these
    values, so the client converges on the server's state without another download. No shadow: the
    server has not (yet) shown this incident to this client.
    """

    __tablename__ = "incident_shadows"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
