"""Closed vocabularies, mirrored from the client's domain (the values travel on the wire)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def manages_assignments(self) -> bool:
        """Supervisors and admins reassign anyone anywhere and see every incident."""
        return self in (Role.SUPERVISOR, Role.ADMIN)


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELED = "canceled"

    @property
    def is_read_only(self) -> bool:
        return self in (Status.CLOSED, Status.CANCELED)


class HoldReason(StrEnum):
    AWAITING_CALLER = "awaiting_caller"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_CHANGE = "awaiting_change"
    AWAITING_PROBLEM = "awaiting_problem"


class NoteKind(StrEnum):
    WORKLOG = "worklog"
    INVESTIGATION = "investigation"
    COMMUNICATION = "communication"
    WORKAROUND = "workaround"
    SYSTEM = "system"
    ESCALATION = "escalation"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WALK_IN = "walk-in"
    PORTAL = "portal"
    MONITORING = "monitoring"
    OTHER = "other"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"
