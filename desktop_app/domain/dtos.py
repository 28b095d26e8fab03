"""Frozen data handed from services to views and the CLI; ORM objects never leave the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Generic, TypeVar

from desktop_app.domain.enums import Channel, HoldReason, NoteKind, Priority, Status
from desktop_app.domain.ids import format_number

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    entity: str  # "incident", "reporter", "category", "group", "agent"
    entity_id: uuid.UUID
    kind: str  # "created", "updated", "deleted"


@dataclass(frozen=True)
class ChangeSet:
    changes: tuple[Change, ...] = ()

    def ids(self, entity: str) -> frozenset[uuid.UUID]:
        return frozenset(c.entity_id for c in self.changes if c.entity == entity)

    def __bool__(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class Result(Generic[T]):
    """What a service's write returns: the new state and what changed, for views to refresh."""

    value: T
    changes: ChangeSet = field(default_factory=ChangeSet)


@dataclass(frozen=True)
class ReporterDraft:
    name: str
    email: str | None = None
    phone: str | None = None
    department: str | None = None
    location: str | None = None
    is_vip: bool = False


@dataclass(frozen=True)
class ReporterSummary:
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    department: str | None
    location: str | None
    is_vip: bool

    @property
    def contact_line(self) -> str:
        return " · ".join(part for part in (self.email, self.phone, self.department, self.location) if part)


@dataclass(frozen=True)
class CategoryNode:
    id: uuid.UUID
    name: str
    path: str
    parent_id: uuid.UUID | None
    depth: int
    is_active: bool = True


@dataclass(frozen=True)
class GroupSummary:
    id: uuid.UUID
    name: str
    description: str | None


@dataclass(frozen=True)
class AgentSummary:
    id: uuid.UUID
    name: str
    username: str
    email: str | None
    group_ids: tuple[uuid.UUID, ...]
    is_self: bool


@dataclass(frozen=True)
class IncidentDraft:
    """A new incident as the agent typed it. Give ``reporter_id`` or ``new_reporter``."""

    description: str
    title: str | None = None
    reporter_id: uuid.UUID | None = None
    new_reporter: ReporterDraft | None = None
    category_id: uuid.UUID | None = None
    category_path: str | None = None
    impact: int = 3
    urgency: int = 3
    channel: Channel = Channel.PHONE
    occurred_at: datetime | None = None
    priority_override: Priority | None = None
    priority_override_reason: str | None = None
    group_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    is_drill: bool = False


@dataclass(frozen=True)
class IncidentPatch:
    """Fields to change on an incident; ``None`` leaves a field as it is."""

    title: str | None = None
    description: str | None = None
    reporter_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    category_path: str | None = None
    impact: int | None = None
    urgency: int | None = None
    channel: Channel | None = None
    occurred_at: datetime | None = None
    priority_override: Priority | None = None
    priority_override_reason: str | None = None
    clear_priority_override: bool = False
    is_drill: bool | None = None
    workaround: str | None = None
    resolution_code: str | None = None
    root_cause: str | None = None
    resolution_steps: str | None = None

    def is_empty(self) -> bool:
        # ``is None``, not ``in (None, False)``: ``is_drill=False`` (and ``impact=0``) are changes too.
        return not self.clear_priority_override and all(
            getattr(self, f.name) is None for f in fields(self) if f.name != "clear_priority_override"
        )


@dataclass(frozen=True)
class IncidentSummary:
    id: uuid.UUID
    number: int | None  # None: pending, the server numbers it on the next sync
    title: str
    status: Status
    priority: Priority
    category_path: str | None
    reporter_name: str | None
    group_name: str | None
    assignee_name: str | None
    channel: Channel
    created_at: datetime
    updated_at: datetime
    is_drill: bool

    @property
    def display_number(self) -> str:
        return format_number(self.number)


@dataclass(frozen=True)
class NoteView:
    id: uuid.UUID
    kind: NoteKind
    body: str
    author_name: str | None
    created_at: datetime
    # A worklog entry's minutes and audience ("internal" when None); an escalation's or reopen's facts.
    time_spent_minutes: int | None = None
    visibility: str | None = None
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: uuid.UUID
    field: str
    old_value: str | None
    new_value: str | None
    actor_name: str | None
    device_time: datetime


@dataclass(frozen=True)
class IncidentDetail:
    id: uuid.UUID
    number: int | None  # None: pending, the server numbers it on the next sync
    title: str
    description: str
    channel: Channel
    status: Status
    hold_reason: HoldReason | None
    impact: int
    urgency: int
    priority: Priority
    priority_override_reason: str | None
    category_id: uuid.UUID | None
    category_path: str | None
    reporter: ReporterSummary | None
    reporter_name: str | None
    reporter_email: str | None
    reporter_phone: str | None
    group_id: uuid.UUID | None
    group_name: str | None
    assignee_id: uuid.UUID | None
    assignee_name: str | None
    occurred_at: datetime
    reported_at: datetime
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    workaround: str | None
    resolution_code: str | None
    root_cause: str | None
    resolution_steps: str | None
    is_drill: bool
    version: int
    created_by_name: str | None
    notes: tuple[NoteView, ...]
    history: tuple[AuditEntry, ...]
    # Closure documentation beyond code, notes and root cause text (issue 7).
    root_cause_category: str | None = None
    reporter_informed: bool | None = None
    reporter_not_informed_reason: str | None = None

    @property
    def display_number(self) -> str:
        return format_number(self.number)
