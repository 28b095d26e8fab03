"""What a bulk change is, its preview and its outcome: plain data the queue's views and the service share.

Kept out of ``services.bulk_service`` so the views can build and show them without importing the
services (and SQLAlchemy) before the window's first paint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from desktop_app.domain.dtos import ChangeSet
from desktop_app.domain.enums import NoteKind, Priority, Status
from desktop_app.domain.errors import ValidationError

KINDS = ("status", "priority", "category", "assignee", "note")


@dataclass(frozen=True)
class BulkChange:
    """What to do to every selected incident; only the fields of ``kind`` matter."""

    kind: str
    status: Status | None = None
    priority: Priority | None = None
    reason: str | None = None  # why the priority is overridden
    category_id: uuid.UUID | None = None
    category_path: str | None = None
    group_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None  # None with kind "assignee": unassign
    note: str | None = None
    note_kind: NoteKind = NoteKind.WORKLOG

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValidationError(f"Unknown bulk change {self.kind!r}; use one of {', '.join(KINDS)}.")


@dataclass(frozen=True)
class PreviewLine:
    incident_id: uuid.UUID
    number: str
    title: str
    before: str
    after: str
    problem: str | None = None  # why this incident will be skipped

    @property
    def changes(self) -> bool:
        return self.problem is None and self.before != self.after


@dataclass
class BulkOutcome:
    changed: list[str] = field(default_factory=list)  # incident numbers
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (number, why)
    changes: ChangeSet = field(default_factory=ChangeSet)

    def summary(self, verb: str = "Changed") -> str:
        text = f"{verb} {len(self.changed):,} incident{'s' if len(self.changed) != 1 else ''}"
        if self.skipped:
            text += f"; {len(self.skipped):,} skipped ({self.skipped[0][0]}: {self.skipped[0][1]}"
            text += ", …)" if len(self.skipped) > 1 else ")"
        return text + "."
