"""The incident and its append-only children: notes and audit events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.models.base import Base, UuidPrimaryKey
from desktop_app.models.directory import Agent, Category, Group, Reporter
from desktop_app.models.queue import QUEUE_INDEXES


class Incident(UuidPrimaryKey, Base):
    __tablename__ = "incidents"
    __table_args__ = (
        # Queue orderings: newest first, and open work by priority.
        *QUEUE_INDEXES,
        Index("ix_incidents_status_priority", "status", "priority", "created_at"),
        Index("ix_incidents_assignee_status", "assignee_id", "status"),
        Index("ix_incidents_group_status", "group_id", "status"),
        Index("ix_incidents_category_status", "category_id", "status"),
        Index("ix_incidents_reporter", "reporter_id"),
    )

    # NULL while a connected client waits for the server to number it ("pending"); unique otherwise.
    number: Mapped[int | None] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    reporter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reporters.id", ondelete="SET NULL"))
    # Contact details as the caller gave them at logging time, kept even if the directory changes.
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
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    workaround: Mapped[str | None] = mapped_column(Text)
    resolution_code: Mapped[str | None] = mapped_column(String(120))
    root_cause: Mapped[str | None] = mapped_column(Text)
    resolution_steps: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    is_drill: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    # Closure documentation (0005_work): root cause category, and whether the reporter was told (or why not).
    root_cause_category: Mapped[str | None] = mapped_column(String(40))
    reporter_informed: Mapped[bool | None]
    reporter_not_informed_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Bumped on every change: the base version a sync mutation was made against.
    version: Mapped[int] = mapped_column(default=1)

    reporter: Mapped[Reporter | None] = relationship(lazy="raise")
    category: Mapped[Category | None] = relationship(lazy="raise")
    group: Mapped[Group | None] = relationship(lazy="raise")
    assignee: Mapped[Agent | None] = relationship(foreign_keys=[assignee_id], lazy="raise")
    created_by: Mapped[Agent | None] = relationship(foreign_keys=[created_by_id], lazy="raise")


class Note(UuidPrimaryKey, Base):
    """Append-only: investigation notes, worklog, communications, workarounds, system notes."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_incident_created", "incident_id", "created_at"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # Worklog time and audience, and an escalation's or reason note's facts (0005_work).
    time_spent_minutes: Mapped[int | None]
    visibility: Mapped[str | None] = mapped_column(String(10))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    author: Mapped[Agent | None] = relationship(lazy="raise")


class AuditEvent(UuidPrimaryKey, Base):
    """One field change: who, when on this device, when on the server (once synced), old and new."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_incident_time", "incident_id", "device_time"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    device_time: Mapped[datetime]
    server_time: Mapped[datetime | None]
    mutation_id: Mapped[uuid.UUID | None]

    actor: Mapped[Agent | None] = relationship(lazy="raise")
