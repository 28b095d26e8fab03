"""Frozen values the sync engine hands to the GUI and the CLI; no ORM object leaves the engine."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

ConflictChoice = Literal["keep_theirs", "restore_mine"]


class OutboxState(StrEnum):
    PENDING = "pending"  # waiting for the server's answer (maybe already sent)
    APPLIED = "applied"
    REJECTED = "rejected"  # refused with a code and reason: shown in the Errors view
    CONFLICT = "conflict"  # applied per field, some fields conflicted: see the Conflicts inbox
    DISCARDED = "discarded"  # given up here (by the user, or superseded); kept for history

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SyncHealth(StrEnum):
    """One word for the status-bar indicator, most urgent first in ``SyncStatus.health``."""

    OFFLINE_ONLY = "offline_only"
    LOGIN_NEEDED = "login_needed"
    NEVER_SYNCED = "never_synced"
    FAILING = "failing"  # the last attempt failed (unreachable, ...): changes wait in the outbox
    ERRORS = "errors"
    CONFLICTS = "conflicts"
    PENDING = "pending"
    UP_TO_DATE = "up_to_date"


@dataclass(frozen=True)
class SyncStatus:
    server_url: str | None
    username: str | None
    role: str | None
    logged_in: bool
    pending: int
    errors: int
    conflicts: int
    pending_numbers: int  # incidents waiting for the server to number them
    leased_numbers_left: int
    last_sync_at: datetime | None
    last_push_at: datetime | None
    last_error: str | None
    last_error_code: str | None
    last_error_at: datetime | None
    bootstrap_done: bool

    @property
    def offline_only(self) -> bool:
        return self.server_url is None

    @property
    def health(self) -> SyncHealth:
        if self.server_url is None:
            return SyncHealth.OFFLINE_ONLY
        if not self.logged_in or self.last_error_code == "auth_required":
            return SyncHealth.LOGIN_NEEDED
        if self._last_attempt_failed:
            return SyncHealth.FAILING
        if self.errors:
            return SyncHealth.ERRORS
        if self.conflicts:
            return SyncHealth.CONFLICTS
        if not self.bootstrap_done or self.last_sync_at is None:
            return SyncHealth.NEVER_SYNCED
        if self.pending:
            return SyncHealth.PENDING
        return SyncHealth.UP_TO_DATE

    @property
    def _last_attempt_failed(self) -> bool:
        if self.last_error_at is None:
            return False
        return self.last_sync_at is None or self.last_error_at >= self.last_sync_at

    @property
    def label(self) -> str:
        """A short text for a status bar: "Up to date", "3 pending", "2 errors, 1 conflict"..."""
        health = self.health
        if health == SyncHealth.OFFLINE_ONLY:
            return "Offline only"
        if health == SyncHealth.LOGIN_NEEDED:
            return "Log in to sync"
        parts = []
        if health == SyncHealth.FAILING:
            parts.append("Not synced")
        if self.errors:
            parts.append(_plural(self.errors, "error"))
        if self.conflicts:
            parts.append(_plural(self.conflicts, "conflict"))
        if self.pending:
            parts.append(f"{self.pending:,} pending")
        if parts:
            return ", ".join(parts)
        return "Never synced" if health == SyncHealth.NEVER_SYNCED else "Up to date"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class SyncProgress:
    stage: str  # "numbers", "push", "pull", "bootstrap", "swap"
    done: int
    total: int | None = None  # None when the total is not known in advance
    # "upload" and "download" (attachment bytes) name the blob (its sha256) and a display name.
    item: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class SyncReport:
    pushed: int = 0
    applied: int = 0
    rejected: int = 0
    conflicts: int = 0
    pulled: int = 0
    bootstrapped: bool = False
    numbers_leased: int = 0
    numbers_assigned: int = 0  # pending incidents the server numbered
    cursor: int = 0
    warnings: tuple[str, ...] = ()
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def seconds(self) -> float:
        if self.started_at is None or self.finished_at is None:
            return 0.0
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class LoginResult:
    server_url: str
    username: str
    user_id: uuid.UUID
    name: str
    role: str
    remembered: bool  # the refresh token is in the OS keyring
    keyring_message: str | None = None  # why it is not, in words a person can act on


@dataclass(frozen=True)
class OutboxItem:
    id: uuid.UUID
    seq: int
    wire_seq: int | None
    mutation_id: uuid.UUID
    name: str
    entity_id: uuid.UUID
    description: str  # "Update title, impact of INC-000123"
    incident_number: str | None  # display number when the entity is an incident
    payload: Mapping[str, Any]
    base: Mapping[str, Any]
    state: OutboxState
    error_code: str | None
    error_reason: str | None
    created_at: datetime
    settled_at: datetime | None
    superseded_by: uuid.UUID | None = None


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    server_id: uuid.UUID | None
    incident_id: uuid.UUID
    incident_number: str | None
    incident_title: str | None
    field: str
    base: Any
    mine: Any
    theirs: Any
    winner: Literal["mine", "theirs"]
    mutation_id: uuid.UUID
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None
    resolution_sent: bool = False

    @property
    def current(self) -> Any:
        """The value the incident holds now, on the server and (after sync) here."""
        return self.mine if self.winner == "mine" else self.theirs
