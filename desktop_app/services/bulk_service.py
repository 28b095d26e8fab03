"""Bulk changes to a selection of incidents: a preview first, one transaction per incident, one undo.

Each incident goes through the ordinary ``IncidentService`` write (its own transaction with audit
events and the same outbox mutations as a single edit: update_fields, reassign, change_status,
add_note), so bulk changes sync exactly like hand-made ones and one refused incident does not
stop the rest. Undo puts back the fields the last bulk change changed, the same way; notes are
append-only (DESIGN §4) and stay.

On hold, Resolve and Close carry the details the single status dialog asks for, given once; the
preview runs the domain's own transition and closure rules on each incident with those details
merged over what it already holds, so it names each refusal (a status that cannot go there, a
resolution only that incident lacks). Undoing a Resolve or Close is a Reopen (the only way back the
status machine allows, with a reason saying it was the undo), then a step back to the previous
status where one is allowed: Resolved again after a Close, On hold or Assigned after a Resolve; an
incident that was New stays In progress. As with a single Reopen, the resolution documentation is
kept on the incident (the next Resolve starts from it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.domain.bulk import KINDS, BulkChange, BulkOutcome, PreviewLine
from desktop_app.domain.closure_rules import DOCUMENTATION_FIELDS, RESOLUTION_CODES, ClosureFacts
from desktop_app.domain.dtos import ChangeSet, IncidentDetail, IncidentPatch
from desktop_app.domain.enums import Status
from desktop_app.domain.errors import HelpdeskError, ValidationError
from desktop_app.domain.status_machine import TRANSITIONS, check_transition, is_read_only
from desktop_app.services.incident_service import IncidentService

__all__ = ["KINDS", "BulkChange", "BulkOutcome", "BulkService", "PreviewLine"]


class _PartlyRestoredError(HelpdeskError):
    """Undo got part of the way (reopened) and no further: the changes made, and why it stopped."""

    def __init__(self, changes: ChangeSet, message: str) -> None:
        super().__init__(message)
        self.changes = changes


def _merge(change_sets: list[ChangeSet]) -> ChangeSet:
    return ChangeSet(tuple(c for changes in change_sets for c in changes.changes))


@dataclass(frozen=True)
class _Undo:
    kind: str
    before: dict[uuid.UUID, IncidentDetail]


class BulkService:
    """Works through ``IncidentService``; keeps the last change for one undo."""

    def __init__(self, incidents: IncidentService) -> None:
        self._incidents = incidents
        self._last: _Undo | None = None

    @property
    def can_undo(self) -> bool:
        return self._last is not None

    def preview(
        self, ids: list[uuid.UUID], change: BulkChange, names: dict[uuid.UUID, str] | None = None
    ) -> list[PreviewLine]:
        """What each incident has now and will have; ``names`` turns ids into names for display."""
        names = names or {}
        lines = []
        for incident_id in ids:
            detail = self._incidents.get(incident_id)
            before, after = _values(detail, change, names)
            lines.append(
                PreviewLine(detail.id, detail.display_number, detail.title, before, after, _problem(detail, change))
            )
        return lines

    def apply(self, ids: list[uuid.UUID], change: BulkChange) -> BulkOutcome:
        outcome = BulkOutcome()
        before: dict[uuid.UUID, IncidentDetail] = {}
        change_sets = []
        for incident_id in ids:
            detail = self._incidents.get(incident_id)
            problem = _problem(detail, change)
            if problem:
                outcome.skipped.append((detail.display_number, problem))
                continue
            try:
                result = self._apply_one(detail, change)
            except HelpdeskError as exc:
                outcome.skipped.append((detail.display_number, exc.message))
                continue
            before[detail.id] = detail
            outcome.changed.append(detail.display_number)
            change_sets.append(result)
        outcome.changes = ChangeSet(tuple(c for changes in change_sets for c in changes.changes))
        self._last = _Undo(change.kind, before) if before else self._last
        return outcome

    def undo(self) -> BulkOutcome:
        """Put back what the last bulk change changed (not its notes: they are append-only)."""
        if self._last is None:
            raise ValidationError("There is no bulk change to undo.")
        last, self._last = self._last, None
        outcome = BulkOutcome()
        change_sets = []
        for _incident_id, old in last.before.items():
            try:
                result = self._restore(old, last.kind)
            except _PartlyRestoredError as partly:
                outcome.skipped.append((old.display_number, partly.message))
                change_sets.append(partly.changes)
                continue
            except HelpdeskError as exc:
                outcome.skipped.append((old.display_number, exc.message))
                continue
            if result is not None:
                outcome.changed.append(old.display_number)
                change_sets.append(result)
            else:
                outcome.skipped.append((old.display_number, "notes are kept: they are append-only"))
        outcome.changes = ChangeSet(tuple(c for changes in change_sets for c in changes.changes))
        return outcome

    # --- one incident ---------------------------------------------------------------------

    def _apply_one(self, detail: IncidentDetail, change: BulkChange) -> ChangeSet:
        incidents = self._incidents
        if change.kind == "status":
            assert change.status is not None
            return incidents.change_status(detail.id, change.status, **change.status_details()).changes
        if change.kind == "priority":
            patch = IncidentPatch(priority_override=change.priority, priority_override_reason=change.reason)
            return incidents.update(detail.id, patch).changes
        if change.kind == "category":
            patch = IncidentPatch(category_id=change.category_id, category_path=change.category_path)
            return incidents.update(detail.id, patch).changes
        if change.kind == "assignee":
            group = change.group_id if change.group_id is not None else detail.group_id
            return incidents.assign(detail.id, group_id=group, assignee_id=change.assignee_id).changes
        return incidents.add_note(detail.id, change.note or "", change.note_kind).changes

    def _restore_status(self, old: IncidentDetail, now: IncidentDetail) -> ChangeSet:
        """Back to the old status by the moves a person could make (see the module's docstring)."""
        incidents = self._incidents
        if now.status == old.status:
            return ChangeSet()
        steps: list[ChangeSet] = []
        current = now.status
        if current in (Status.RESOLVED, Status.CLOSED):  # the only way out of these is a Reopen
            reason = f"Undoing the bulk change to {current.label.lower()}"
            steps.append(incidents.change_status(old.id, Status.IN_PROGRESS, reason=reason).changes)
            current = Status.IN_PROGRESS
        if old.status != current:
            if old.status not in TRANSITIONS[current]:
                why = f"it cannot go from {current.label.lower()} back to {old.status.label.lower()}"
                if steps:  # reopened, but no way on from there: say where it stands
                    raise _PartlyRestoredError(_merge(steps), f"reopened as in progress; {why}")
                raise ValidationError(why)
            steps.append(incidents.change_status(old.id, old.status, hold_reason=old.hold_reason).changes)
        return _merge(steps)

    def _restore(self, old: IncidentDetail, kind: str) -> ChangeSet | None:
        incidents = self._incidents
        now = incidents.get(old.id)
        if kind == "status":
            return self._restore_status(old, now)
        if kind == "priority":
            if old.priority_override_reason:
                patch = IncidentPatch(
                    priority_override=old.priority, priority_override_reason=old.priority_override_reason
                )
            else:
                patch = IncidentPatch(clear_priority_override=True)
            return incidents.update(old.id, patch).changes
        if kind == "category":
            if old.category_id is None:
                raise ValidationError("it had no category, and a category cannot be cleared")
            return incidents.update(old.id, IncidentPatch(category_id=old.category_id)).changes
        if kind == "assignee":
            if (now.group_id, now.assignee_id) == (old.group_id, old.assignee_id):
                return ChangeSet()
            return incidents.assign(old.id, group_id=old.group_id, assignee_id=old.assignee_id).changes
        return None


def _problem(detail: IncidentDetail, change: BulkChange) -> str | None:
    if change.kind == "status":
        assert change.status is not None
        if change.status == detail.status:
            return f"already {detail.status.label.lower()}"
        if change.status not in TRANSITIONS[detail.status]:
            return f"cannot go from {detail.status.label.lower()} to {change.status.label.lower()}"
        details = change.status_details()
        try:  # the rules the write will apply, on what this incident would hold afterwards
            check_transition(
                detail.status,
                change.status,
                hold_reason=details.get("hold_reason"),  # type: ignore[arg-type]
                closure=_closure_after(detail, details),
                reopen_reason=None,
            )
        except HelpdeskError as exc:
            return exc.message
        return None
    if is_read_only(detail.status):
        return f"{detail.status.label.lower()} and read-only"
    if change.kind == "priority" and change.priority == detail.priority:
        return f"already {detail.priority.value}"
    if (
        change.kind == "assignee"
        and detail.assignee_id == change.assignee_id
        and change.group_id in (None, detail.group_id)
    ):
        return "already assigned that way"
    return None


def _closure_after(detail: IncidentDetail, details: dict[str, object]) -> ClosureFacts:
    """The documentation the incident would hold: what is given, else its own (as the write merges)."""
    merged = {name: details.get(name) for name in DOCUMENTATION_FIELDS}
    merged = {name: value if value is not None else getattr(detail, name) for name, value in merged.items()}
    if merged["reporter_informed"]:
        merged["reporter_not_informed_reason"] = None
    return ClosureFacts(**merged)  # type: ignore[arg-type]


def _status_text(status: Status, change: BulkChange | None = None, detail: IncidentDetail | None = None) -> str:
    """``On hold: awaiting vendor``, ``Resolved: fixed``: the status with what it carries."""
    if status == Status.ON_HOLD:
        reason = change.hold_reason if change else detail.hold_reason if detail else None
        return f"{status.label}: {reason.label.lower()}" if reason else status.label
    if status in (Status.RESOLVED, Status.CLOSED):
        code = (change.status_details().get("resolution_code") if change else None) or (
            detail.resolution_code if detail else None
        )
        return f"{status.label}: {RESOLUTION_CODES.get(str(code), code).lower()}" if code else status.label
    return status.label


def _values(detail: IncidentDetail, change: BulkChange, names: dict[uuid.UUID, str]) -> tuple[str, str]:
    if change.kind == "status":
        after = _status_text(change.status, change, detail) if change.status else ""
        return _status_text(detail.status, None, detail), after
    if change.kind == "priority":
        return detail.priority.value, change.priority.value if change.priority else ""
    if change.kind == "category":
        after = change.category_path or (names.get(change.category_id, "") if change.category_id else "")
        return detail.category_path or "", after
    if change.kind == "assignee":
        after = names.get(change.assignee_id, "") if change.assignee_id else "(unassigned)"
        return detail.assignee_name or "(unassigned)", after
    return "", f"+ note: {(change.note or '')[:60]}"
