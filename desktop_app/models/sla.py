"""SLA configuration (calendars, holidays, targets per priority, warning and escalation) and alerts.

All of it is local configuration of this client, not synced: the clocks are computed on read from
the synced history, so each desk can set its own hours without conflicts (see sla_service).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class SlaCalendar(UuidPrimaryKey, Base):
    __tablename__ = "sla_calendars"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    # Opening hours per weekday, Monday first, as text ("08:00-18:00", "" when closed).
    week_hours: Mapped[list[str]] = mapped_column(JSON)


class SlaHoliday(UuidPrimaryKey, Base):
    __tablename__ = "sla_holidays"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    calendar_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sla_calendars.id", ondelete="CASCADE"))
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(120))


class SlaTargetRow(Base):
    """Response and resolution targets of one priority, counted in one calendar's open hours."""

    __tablename__ = "sla_targets"

    priority: Mapped[str] = mapped_column(String(2), primary_key=True)
    response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    calendar_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sla_calendars.id", ondelete="RESTRICT"))


class SlaSettingsRow(Base):
    """The single row (id 1) of warning and escalation settings."""

    __tablename__ = "sla_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    warn_share: Mapped[float] = mapped_column(Float)
    auto_escalate: Mapped[bool]
    escalation_group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))


class SlaAlert(Base):
    """That this client already told its user (and maybe escalated) about a clock: never twice."""

    __tablename__ = "sla_alerts"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    clock: Mapped[str] = mapped_column(String(12), primary_key=True)  # response | resolution
    level: Mapped[str] = mapped_column(String(10), primary_key=True)  # warning | breach
    alerted_at: Mapped[datetime]
    escalated: Mapped[bool]


class SlaDeadlineRow(Base):
    """An open incident's next SLA deadlines, stored so "Breaching soon" is an index range (issue 4).

    The clocks depend on calendars, holidays and the audited history, so they are no SQL
    expression. Triggers (migration 0007) mark a row ``stale`` in the same transaction as any
    change of status, priority, report time or tracked history, and add one for every new open
    incident; the SLA service recomputes stale rows before such a write commits, and in the
    background for the rest (``services/sla_deadlines.py``). Between changes the stored moments stay
    true: a running clock's deadlines do not move while nothing happens to the incident.
    """

    __tablename__ = "sla_deadlines"
    __table_args__ = (
        Index("ix_sla_deadlines_warn_at", "warn_at"),
        Index("ix_sla_deadlines_due_id", "due_at", "incident_id"),  # the SLA sort (migration 0009)
        Index("ix_sla_deadlines_stale", "stale", sqlite_where=text("stale = 1")),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    # When the first running clock passes the warning share (in the past once it has); NULL when no
    # clock runs (on hold) or the calendar gives no moment.
    warn_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]  # that clock's breach moment
    clock: Mapped[str | None] = mapped_column(String(12))  # response | resolution
    paused: Mapped[bool]
    stale: Mapped[bool]
