"""Closed vocabularies of the incident workflow (ITIL)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WALK_IN = "walk-in"
    PORTAL = "portal"
    MONITORING = "monitoring"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED, Status.CANCELED)


class HoldReason(StrEnum):
    AWAITING_CALLER = "awaiting_caller"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_CHANGE = "awaiting_change"
    AWAITING_PROBLEM = "awaiting_problem"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class NoteKind(StrEnum):
    WORKLOG = "worklog"
    INVESTIGATION = "investigation"
    COMMUNICATION = "communication"
    WORKAROUND = "workaround"
    SYSTEM = "system"
    ESCALATION = "escalation"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"

    @property
    def rank(self) -> int:
        return int(self.value[1])

    @property
    def label(self) -> str:
        names = {1: "Critical", 2: "High", 3: "Moderate", 4: "Low", 5: "Planning"}
        return f"{self.value} – {names[self.rank]}"


# Impact and urgency follow the ITIL convention: 1 is the most severe.
IMPACT_LABELS = {
    1: "High – many users or a whole site",
    2: "Medium – a team or department",
    3: "Low – one user",
}
URGENCY_LABELS = {
    1: "High – work has stopped",
    2: "Medium – work is impaired",
    3: "Low – can wait",
}
