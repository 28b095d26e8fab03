"""The incident timeline: notes, field and status changes, escalations and attachments, newest first.

Pure: the services hand in rows as plain values; the view filters by ``TimelineKind``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.ids import format_number

STATUS_FIELDS = frozenset({"status", "hold_reason"})
ASSIGNMENT_FIELDS = frozenset({"group", "assignee", "group_id", "assignee_id"})
# Ids mean nothing to a reader; the detail's fields show the readable value.
ID_FIELDS = frozenset({"category_id", "reporter_id", "parent_id"})
FIELD_LABELS = {
    "status": "Status",
    "hold_reason": "On-hold reason",
    "assignee": "Assignee",
    "group": "Group",
    "category_id": "Category",
    "reporter_id": "Reporter",
    "parent_id": "Parent incident",
    "priority": "Priority",
    "priority_override_reason": "Priority override",
    "impact": "Impact",
    "urgency": "Urgency",
    "resolution_steps": "Resolution notes",
}


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
    label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
    if field == "created":
        number = format_number(int(new)) if new and new.isdigit() else "a pending number"
        return TimelineEntry(at, TimelineKind.STATUS, f"Logged as {number}", None, actor, f"a{event_id}")
    if field in ID_FIELDS:
        return TimelineEntry(at, kind, f"{label} changed", None, actor, f"a{event_id}")
    title = f"{label}: {_short(old)} → {_short(new)}"
    body = new if new is not None and len(new) > 60 else None
    return TimelineEntry(at, kind, title, body, actor, f"a{event_id}")


def attachment_entries(
    attachment_id: object,
    name: str,
    caption: str | None,
    actor: str | None,
    at: datetime,
    removed_at: datetime | None = None,
) -> list[TimelineEntry]:
    """An attachment as it was added (and, if so, removed); issue 5's rows in the timeline."""
    entries = [TimelineEntry(at, TimelineKind.ATTACHMENT, f"Attached {name}", caption, actor, f"f{attachment_id}")]
    if removed_at is not None:
        entries.append(
            TimelineEntry(removed_at, TimelineKind.ATTACHMENT, f"Removed {name}", None, None, f"r{attachment_id}")
        )
    return entries


def timeline_for(detail: IncidentDetail, extra: Iterable[TimelineEntry] = ()) -> list[TimelineEntry]:
    """The detail's own notes and history (plus, e.g., attachments), newest first: no database needed."""
    entries = [
        note_entry(
            n.id, n.kind.value, n.body, n.author_name, n.created_at, n.time_spent_minutes, n.visibility, n.details
        )
        for n in detail.notes
    ]
    entries += [
        audit_entry(e.id, e.field, e.old_value, e.new_value, e.actor_name, e.device_time) for e in detail.history
    ]
    return build_timeline([*entries, *extra])


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


def _short(value: str | None) -> str:
    if value is None or value == "":
        return "–"
    value = value.replace("_", " ") if len(value) < 30 else value
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57].rstrip() + "…"
