"""What a bulk change is, its preview and its outcome: plain data the queue's views and the service share.

Kept out of ``services.bulk_service`` so the views can build and show them without importing the
services (and SQLAlchemy) before the window's first paint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from desktop_app.domain.closure_rules import DOCUMENTATION_FIELDS
from desktop_app.domain.dtos import ChangeSet
from desktop_app.domain.enums import HoldReason, NoteKind, Priority, Status
from desktop_app.domain.errors import ValidationError

KINDS = ("status", "priority", "category", "assignee", "note")
RESOLUTION_FIELDS = ("resolution_code", "resolution_steps")  # what Resolve asks for; Close asks for all


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
    # What On hold, Resolve and Close need, asked once for all (the single status dialog's fields);
    # a documentation field left None keeps what each incident already holds.
    hold_reason: HoldReason | None = None
    resolution_code: str | None = None
    resolution_steps: str | None = None
    root_cause_category: str | None = None
    root_cause: str | None = None
    reporter_informed: bool | None = None
    reporter_not_informed_reason: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValidationError(f"Unknown bulk change {self.kind!r}; use one of {', '.join(KINDS)}.")

    def status_details(self) -> dict[str, object]:
        """Keyword arguments for ``IncidentService.change_status`` besides the target, as the single
        status dialog gives them: a hold reason for On hold, the resolution for Resolve, all the
        closure documentation for Close; blank text is None (keep what the incident holds)."""
        if self.status == Status.ON_HOLD:
            return {"hold_reason": self.hold_reason}
        names = {Status.RESOLVED: RESOLUTION_FIELDS, Status.CLOSED: DOCUMENTATION_FIELDS}.get(self.status, ())
        details: dict[str, object] = {}
        for name in names:
            value = getattr(self, name)
            details[name] = (value.strip() or None) if isinstance(value, str) else value
        return details


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
