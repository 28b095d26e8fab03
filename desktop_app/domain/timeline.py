"""The incident timeline: notes, field and status changes, escalations and attachments, newest first.

Pure: the services hand in rows as plain values; the view filters by ``TimelineKind``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

STATUS_FIELDS = frozenset({"status", "hold_reason"})
ASSIGNMENT_FIELDS = frozenset({"group", "assignee", "group_id", "assignee_id"})


class TimelineKind(StrEnum):
    NOTE = "note"  # worklog and investigation notes
    COMMUNICATION = "communication"  # told to the reporter, published workarounds
    FIELD = "field"  # any other field change, the workaround's history among them
    STATUS = "status"  # status, hold reason, reopen reasons
    ASSIGNMENT = "assignment"
    ESCALATION = "escalation"
    ATTACHMENT = "attachment"

    @property
    def label(self) -> str:
        return {"note": "Notes", "communication": "Communication"}.get(self.value, self.value.capitalize())


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: TimelineKind
    title: str  # one line: "Worklog · 15 min · visible", "status: new → in progress"
    body: str | None
    actor: str | None
    key: str  # a stable id: sorts ties and lets a view keep its selection


def note_entry(
    note_id: object,
    kind: str,
    body: str,
    actor: str | None,
    at: datetime,
    minutes: int | None = None,
    visibility: str | None = None,
    details: dict[str, Any] | None = None,
) -> TimelineEntry:
    if kind == "escalation":
        what = (details or {}).get("kind", "escalation")
        return TimelineEntry(at, TimelineKind.ESCALATION, f"Escalation ({what})", body, actor, f"n{note_id}")
    if kind == "system" and (details or {}).get("event") == "reopened":
        return TimelineEntry(at, TimelineKind.STATUS, "Reopened", body, actor, f"n{note_id}")
    timeline_kind = TimelineKind.COMMUNICATION if kind in ("communication", "workaround") else TimelineKind.NOTE
    parts = [kind.capitalize()]
    if minutes:
        parts.append(format_minutes(minutes))
    if kind in ("worklog", "investigation", "communication"):
        parts.append(visibility or "internal")
    return TimelineEntry(at, timeline_kind, " · ".join(parts), body, actor, f"n{note_id}")


def audit_entry(
    event_id: object, field: str, old: str | None, new: str | None, actor: str | None, at: datetime
) -> TimelineEntry:
    if field in STATUS_FIELDS:
        kind = TimelineKind.STATUS
    elif field in ASSIGNMENT_FIELDS:
        kind = TimelineKind.ASSIGNMENT
    else:
        kind = TimelineKind.FIELD
    label = field.replace("_id", "").replace("_", " ")
    if field == "created":
        return TimelineEntry(at, TimelineKind.STATUS, "Logged", None, actor, f"a{event_id}")
    title = f"{label}: {_short(old) or '∅'} → {_short(new) or '∅'}"
    body = new if new is not None and len(new) > 60 else None
    return TimelineEntry(at, kind, title, body, actor, f"a{event_id}")


def build_timeline(
    entries: Iterable[TimelineEntry], kinds: Iterable[TimelineKind] | None = None
) -> list[TimelineEntry]:
    """Newest first; ties by key, so the order never depends on how the rows were stored."""
    wanted = None if kinds is None else frozenset(TimelineKind(k) for k in kinds)
    chosen = [e for e in entries if wanted is None or e.kind in wanted]
    return sorted(chosen, key=lambda e: (e.at, e.key), reverse=True)


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _short(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.replace("_", " ") if len(value) < 30 else value
    return value if len(value) <= 60 else value[:57].rstrip() + "…"
