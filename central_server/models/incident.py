"""The incident with its per-field write stamps, and its append-only children: notes, audit events, conflicts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from central_server.models.base import Base


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_group_assignee", "group_id", "assignee_id"),
        Index("ix_incidents_assignee", "assignee_id"),
        Index("ix_incidents_created_by", "created_by_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    reporter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reporters.id", ondelete="SET NULL"))
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    reported_at: Mapped[datetime]
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    impact: Mapped[int]
    urgency: Mapped[int]
    priority: Mapped[str] = mapped_column(String(2))
    priority_override_reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    hold_reason: Mapped[str | None] = mapped_column(String(30))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    workaround: Mapped[str | None] = mapped_column(Text)
    resolution_code: Mapped[str | None] = mapped_column(String(120))
    root_cause: Mapped[str | None] = mapped_column(Text)
    resolution_steps: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    is_drill: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    # field → Stamp.to_json() of the write that set it: decides concurrent writes (domain/merge.py).
    field_stamps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Closure documentation (0003_work).
    root_cause_category: Mapped[str | None] = mapped_column(String(40))
    reporter_informed: Mapped[bool | None]
    reporter_not_informed_reason: Mapped[str | None] = mapped_column(String(500))


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_incident_created", "incident_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # Worklog time and audience, and an escalation's or reason note's facts (0003_work).
    time_spent_minutes: Mapped[int | None]
    visibility: Mapped[str | None] = mapped_column(String(10))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditEvent(Base):
    """One field change as applied on the server: who, device time, server time, old and new."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_incident_time", "incident_id", "server_time"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    device_time: Mapped[datetime]
    server_time: Mapped[datetime]
    mutation_id: Mapped[uuid.UUID | None]


class Conflict(Base):
    """A losing (or overwritten) field value, visible to ``user_id`` and restorable (ConflictRecord)."""

    __tablename__ = "conflicts"
    __table_args__ = (Index("ix_conflicts_user_resolved", "user_id", "resolved_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(60))
    base: Mapped[Any] = mapped_column(JSON)
    mine: Mapped[Any] = mapped_column(JSON)
    theirs: Mapped[Any] = mapped_column(JSON)
    winner: Mapped[str] = mapped_column(String(10))
    mutation_id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(20))
