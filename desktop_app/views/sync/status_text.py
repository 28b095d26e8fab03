"""What the sync indicator says, in words and a colour: pure functions of the engine's status.

Kept apart from the widget so every state can be checked without painting anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from desktop_app.sync.dtos import SyncHealth, SyncProgress, SyncStatus

UNREACHABLE_CODES = frozenset({"server_unreachable", "server_busy"})


class Level(StrEnum):
    """The indicator's colour: each passes 4.5:1 against the white status bar."""

    IDLE = "#52606d"  # offline only, not signed in: nothing is wrong
    BUSY = "#1a5fc4"
    OK = "#1e7b34"
    WARN = "#9a5a00"
    ERROR = "#b42318"


class Target(StrEnum):
    """What a click on the indicator opens."""

    SIGN_IN = "sign_in"
    OUTBOX = "outbox"
    ERRORS = "errors"
    CONFLICTS = "conflicts"


@dataclass(frozen=True)
class IndicatorState:
    text: str
    level: Level
    target: Target
    tooltip: str


def clock_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M") if moment else "never"


def day_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "never"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def progress_text(progress: SyncProgress | None) -> str:
    if progress is None:
        return "Syncing…"
    if progress.stage in ("upload", "download") and progress.total:
        verb = "Uploading" if progress.stage == "upload" else "Downloading"
        share = min(progress.done / progress.total, 1.0)
        return f"{verb} {progress.label or 'attachment'}… {share:.0%} of {progress.total / 1_000_000:.1f} MB"
    done = f"{progress.done:,}/{progress.total:,}" if progress.total is not None else f"{progress.done:,}"
    return f"Syncing… {progress.stage} {done}"


def indicator_state(
    status: SyncStatus | None,
    *,
    running: bool = False,
    progress: SyncProgress | None = None,
    retry_in: float | None = None,
) -> IndicatorState:
    """``retry_in``: seconds until the retry timer fires, when one is set."""
    if status is None:
        text, level = (progress_text(progress), Level.BUSY) if running else ("Sync…", Level.IDLE)
        return IndicatorState(text, level, Target.OUTBOX, "Reading the sync state…")
    tooltip = tooltip_text(status)
    target = _target(status)
    if running:
        return IndicatorState(progress_text(progress), Level.BUSY, target, tooltip)
    health = status.health
    if health == SyncHealth.OFFLINE_ONLY:
        return IndicatorState("Offline only", Level.IDLE, Target.SIGN_IN, tooltip)
    if health == SyncHealth.LOGIN_NEEDED:
        return IndicatorState("Not signed in", Level.WARN, Target.SIGN_IN, tooltip)
    if health == SyncHealth.FAILING:
        unreachable = status.last_error_code in UNREACHABLE_CODES
        text = "Server unreachable" if unreachable else "Sync failed"
        if retry_in is not None:
            text += f" · retry in {max(0, round(retry_in))} s"
        return IndicatorState(text, Level.ERROR if not unreachable else Level.WARN, target, tooltip)
    parts = []
    if status.errors:
        parts.append(plural(status.errors, "error"))
    if status.conflicts:
        parts.append(plural(status.conflicts, "conflict"))
    if parts:
        level = Level.ERROR if status.errors else Level.WARN
        return IndicatorState(" · ".join(parts), level, target, tooltip)
    if health == SyncHealth.NEVER_SYNCED:
        return IndicatorState("Not synced yet", Level.IDLE, target, tooltip)
    if status.pending:
        return IndicatorState(f"{status.pending:,} pending", Level.BUSY, target, tooltip)
    return IndicatorState(f"Up to date · {clock_time(status.last_sync_at)}", Level.OK, target, tooltip)


def _target(status: SyncStatus) -> Target:
    if status.errors:
        return Target.ERRORS
    if status.conflicts:
        return Target.CONFLICTS
    return Target.OUTBOX


def tooltip_text(status: SyncStatus) -> str:
    if status.offline_only:
        return "Working offline only: no server is set. Click to sign in to one."
    who = f"{status.username} ({status.role})" if status.role else (status.username or "?")
    lines = [
        f"Server: {status.server_url}",
        f"Signed in as {who}" if status.logged_in else f"Not signed in ({who}): click to sign in",
        f"Last sync: {day_time(status.last_sync_at)}",
        f"Waiting to be sent: {status.pending:,} · refused: {status.errors:,} · conflicts: {status.conflicts:,}",
    ]
    if status.pending_numbers:
        lines.append(f"Incidents waiting for a number: {status.pending_numbers:,}")
    if status.last_error:
        lines.append(f"Last error ({day_time(status.last_error_at)}): {status.last_error}")
    return "\n".join(lines)


def value_text(value: Any) -> str:
    """A field value as a person reads it in a table or a side-by-side view."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
