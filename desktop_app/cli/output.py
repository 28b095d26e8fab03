"""How the CLI prints: JSON for scripts (ISO 8601 times, UUIDs as text, enums as values), text for people."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from desktop_app.domain.dtos import IncidentDetail, IncidentSummary
from desktop_app.domain.enums import IMPACT_LABELS, URGENCY_LABELS
from desktop_app.domain.ids import format_number

EMPTY = "-"


def jsonable(value: Any) -> Any:
    """Dataclasses, enums, UUIDs and datetimes → plain JSON values, recursively."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):  # before str: the project's enums are StrEnums
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    return value


def print_json(value: Any) -> None:
    json.dump(jsonable(value), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def incident_json(detail: IncidentDetail) -> dict[str, Any]:
    """Every field of the detail; ``number`` as people write it, ``number_value`` as the integer."""
    data = jsonable(detail)
    data["number"] = detail.display_number
    data["number_value"] = detail.number
    return data


def summary_json(summary: IncidentSummary) -> dict[str, Any]:
    return {
        "id": str(summary.id),
        "number": summary.display_number,
        "number_value": summary.number,
        "title": summary.title,
        "status": summary.status.value,
        "priority": summary.priority.value,
        "category": summary.category_path,
        "reporter": summary.reporter_name,
        "assignee": summary.assignee_name,
        "group": summary.group_name,
        "channel": summary.channel.value,
        "created_at": summary.created_at.isoformat(),
        "updated_at": summary.updated_at.isoformat(),
        "is_drill": summary.is_drill,
    }


def local_time(moment: datetime | None) -> str:
    """A stored UTC time in this computer's time zone, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else EMPTY


def clip(text: str | None, width: int) -> str:
    if not text:
        return EMPTY
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is not padded."""
    rows = [list(row) for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(cells[:-1])]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


def incident_table(summaries: Sequence[IncidentSummary]) -> str:
    headers = ("NUMBER", "CREATED", "PRI", "STATUS", "CATEGORY", "REPORTER", "GROUP", "ASSIGNEE", "TITLE")
    rows = (
        (
            s.display_number + (" (drill)" if s.is_drill else ""),
            local_time(s.created_at),
            s.priority.value,
            s.status.label,
            clip(s.category_path, 32),
            clip(s.reporter_name, 22),
            clip(s.group_name, 18),
            clip(s.assignee_name, 18),
            clip(s.title, 60),
        )
        for s in summaries
    )
    return table(headers, rows)


def _indented(text: str | None, indent: str = "  ") -> list[str]:
    return [indent + line for line in (text or EMPTY).splitlines() or [EMPTY]]


def _fields(pairs: Sequence[tuple[str, str | None]]) -> list[str]:
    width = max(len(label) for label, _ in pairs)
    return [f"  {label.ljust(width)}  {value}" for label, value in pairs if value is not None]


def incident_text(detail: IncidentDetail) -> str:
    """The whole incident as a readable block: header, fields, texts, notes and history."""
    status = detail.status.label
    if detail.hold_reason:
        status += f" ({detail.hold_reason.label.lower()})"
    reporter = detail.reporter_name or EMPTY
    contact = " · ".join(part for part in (detail.reporter_email, detail.reporter_phone) if part)
    if contact:
        reporter += f" ({contact})"
    if detail.reporter and detail.reporter.is_vip:
        reporter += " [VIP]"
    created = local_time(detail.created_at) + (f" by {detail.created_by_name}" if detail.created_by_name else "")
    lines = [f"{detail.display_number}  {detail.title}" + ("  [DRILL]" if detail.is_drill else "")]
    lines += _fields(
        [
            ("Status", status),
            ("Priority", detail.priority.label),
            ("Override", detail.priority_override_reason),
            ("Impact", f"{detail.impact} – {IMPACT_LABELS.get(detail.impact, '?')}"),
            ("Urgency", f"{detail.urgency} – {URGENCY_LABELS.get(detail.urgency, '?')}"),
            ("Category", detail.category_path or EMPTY),
            ("Channel", detail.channel.label),
            ("Reporter", reporter),
            ("Group", detail.group_name or EMPTY),
            ("Assignee", detail.assignee_name or EMPTY),
            ("Occurred", local_time(detail.occurred_at)),
            ("Created", created),
            ("Updated", f"{local_time(detail.updated_at)} (version {detail.version})"),
            ("Resolved", local_time(detail.resolved_at) if detail.resolved_at else None),
            ("Closed", local_time(detail.closed_at) if detail.closed_at else None),
        ]
    )
    lines += ["", "Description", *_indented(detail.description)]
    if detail.workaround:
        lines += ["", "Workaround", *_indented(detail.workaround)]
    if detail.resolution_code or detail.root_cause or detail.resolution_steps:
        lines += ["", "Resolution"]
        lines += _fields(
            [
                ("Code", detail.resolution_code or EMPTY),
                ("Root cause", detail.root_cause or EMPTY),
                ("Steps", detail.resolution_steps or EMPTY),
            ]
        )
    lines += ["", f"Notes ({len(detail.notes)})"]
    for note in detail.notes:
        lines.append(f"  {local_time(note.created_at)}  {note.kind.label} by {note.author_name or 'unknown'}")
        lines += _indented(note.body, "    ")
    lines += ["", f"History ({len(detail.history)})"]
    for entry in detail.history:
        change = f"{entry.field}: {entry.old_value or EMPTY} → {entry.new_value or EMPTY}"
        if entry.field == "created":
            number = entry.new_value or ""
            change = f"created as {format_number(int(number))}" if number.isdigit() else "created"
        lines.append(f"  {local_time(entry.device_time)}  {entry.actor_name or 'unknown'}  {change}")
    return "\n".join(lines)
