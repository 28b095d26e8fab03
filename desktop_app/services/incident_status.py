"""Changing an incident's status: the state machine, hold reasons, Resolve/Close documentation, Reopen.

The rules are the domain's (status_machine, closure_rules, both backed by sync_protocol.workflow_rules);
the server applies the same ones to the ``change_status`` mutation this enqueues.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.closure_rules import ClosureFacts
from desktop_app.domain.enums import HoldReason, NoteKind, Status
from desktop_app.domain.limits import DESCRIPTION_MAX, REASON_MAX, SHORT_TEXT_MAX, clean_text
from desktop_app.domain.status_machine import check_transition, is_reopen
from desktop_app.models import Incident
from desktop_app.services.note_writer import add_note
from desktop_app.services.transaction import WriteScope
from sync_protocol.workflow_rules import reopen_note_body

TEXT_LIMITS = {
    "resolution_code": ("The resolution code", SHORT_TEXT_MAX),
    "root_cause": ("The root cause", DESCRIPTION_MAX),
    "resolution_steps": ("The resolution notes", DESCRIPTION_MAX),
    "root_cause_category": ("The root cause category", 40),
    "reporter_not_informed_reason": ("Why the reporter was not informed", REASON_MAX),
}


@dataclass(frozen=True)
class StatusChange:
    """A status change as the user asked for it; ``None`` keeps what the incident holds."""

    target: Status
    hold_reason: HoldReason | None = None
    resolution_code: str | None = None
    root_cause: str | None = None
    resolution_steps: str | None = None
    root_cause_category: str | None = None
    reporter_informed: bool | None = None
    reporter_not_informed_reason: str | None = None
    reason: str | None = None  # why it is reopened


def apply_status_change(scope: WriteScope, incident: Incident, change: StatusChange) -> None:
    current, target = Status(incident.status), Status(change.target)
    documentation: dict[str, object] = {}
    for name, (label, limit) in TEXT_LIMITS.items():
        given = clean_text(getattr(change, name), field=name, label=label, max_len=limit)
        documentation[name] = given if given is not None else getattr(incident, name)
    documentation["reporter_informed"] = (
        change.reporter_informed if change.reporter_informed is not None else incident.reporter_informed
    )
    if documentation["reporter_informed"]:
        documentation["reporter_not_informed_reason"] = None  # informed: no reason to keep
    reason = clean_text(change.reason, field="reason", label="The reason", max_len=REASON_MAX)
    check_transition(
        current,
        target,
        hold_reason=change.hold_reason,
        closure=ClosureFacts(**documentation),  # type: ignore[arg-type]
        reopen_reason=reason,
    )
    base = {"status": current.value, "version": incident.version}
    payload: dict[str, object] = {"status": target.value, "hold_reason": change.hold_reason}
    payload.update({k: v for k, v in documentation.items() if v != getattr(incident, k)})
    note_id = scope.env.ids() if is_reopen(current, target) else None
    if note_id is not None:
        payload.update(reason=reason, note_id=note_id)
    mutation_id = scope.enqueue("change_status", incident.id, payload, base)
    scope.audit(incident.id, "status", current, target, mutation_id)
    new_hold = change.hold_reason.value if target == Status.ON_HOLD and change.hold_reason else None
    if new_hold != incident.hold_reason:
        scope.audit(incident.id, "hold_reason", incident.hold_reason, new_hold, mutation_id)
        incident.hold_reason = new_hold
    for key, value in documentation.items():
        if value != getattr(incident, key):
            scope.audit(incident.id, key, getattr(incident, key), value, mutation_id)
            setattr(incident, key, value)
    incident.status = target.value
    if target == Status.RESOLVED:
        incident.resolved_at = scope.now
    if target == Status.CLOSED:
        incident.closed_at = scope.now
    if note_id is not None:
        incident.resolved_at = None
        incident.closed_at = None
        body = reopen_note_body(current.value, reason or "")
        details = {"event": "reopened", "from": current.value, "reason": reason}
        add_note(scope, incident, NoteKind.SYSTEM, body, details=details, note_id=note_id, enqueue=False)
