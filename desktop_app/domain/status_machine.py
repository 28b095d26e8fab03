"""The incident status machine and the rules that guard each transition."""

from __future__ import annotations

from desktop_app.domain.closure_rules import ClosureFacts, check_closure, check_reason, check_resolution
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.errors import InvalidTransitionError, ValidationError

__all__ = ["TRANSITIONS", "ClosureFacts", "allowed_targets", "check_transition", "is_read_only", "is_reopen"]

_OPEN_WORK = (
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.RESOLVED,
    Status.CANCELED,
)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(_OPEN_WORK),
    Status.ASSIGNED: frozenset(
        {
            Status.NEW,
            Status.IN_PROGRESS,
            Status.ON_HOLD,
            Status.RESOLVED,
            Status.CANCELED,
        }
    ),
    Status.IN_PROGRESS: frozenset({Status.ASSIGNED, Status.ON_HOLD, Status.RESOLVED, Status.CANCELED}),
    Status.ON_HOLD: frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELED}),
    # Reopening sends the incident back to work; a closed record is read-only until reopened.
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELED: frozenset(),
}


def allowed_targets(current: Status) -> list[Status]:
    return [status for status in Status if status in TRANSITIONS[current]]


def is_read_only(status: Status) -> bool:
    return status in (Status.CLOSED, Status.CANCELED)


def is_reopen(current: Status, target: Status) -> bool:
    """Back to work from Resolved or Closed: Reopen, which asks for a reason."""
    return current in (Status.RESOLVED, Status.CLOSED) and target == Status.IN_PROGRESS


def check_transition(
    current: Status,
    target: Status,
    *,
    hold_reason: HoldReason | None = None,
    closure: ClosureFacts | None = None,
    reopen_reason: str | None = None,
) -> None:
    """Raise a typed error naming the rule when ``current → target`` is not allowed."""
    if target == current:
        raise InvalidTransitionError(f"The incident is already {current.label.lower()}.")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in allowed_targets(current)) or "none: it is final"
        raise InvalidTransitionError(
            f"An incident that is {current.label.lower()} cannot become {target.label.lower()} (allowed: {allowed})."
        )
    if target == Status.ON_HOLD and hold_reason is None:
        reasons = ", ".join(r.value for r in HoldReason)
        raise ValidationError(
            f"Putting an incident on hold needs a reason ({reasons}).",
            field="hold_reason",
        )
    closure = closure or ClosureFacts()
    if target == Status.RESOLVED:
        check_resolution(closure)
    if target == Status.CLOSED:
        check_closure(closure)
    if is_reopen(current, target):
        check_reason(reopen_reason, "Reopening an incident")
