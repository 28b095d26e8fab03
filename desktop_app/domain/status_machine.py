"""The incident status machine and the rules that guard each transition."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.errors import (
    ClosureIncompleteError,
    InvalidTransitionError,
    ValidationError,
)

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


@dataclass(frozen=True)
class ClosureFacts:
    """What the incident holds when a status change asks for closure documentation."""

    resolution_code: str | None
    root_cause: str | None
    resolution_steps: str | None


def allowed_targets(current: Status) -> list[Status]:
    return [status for status in Status if status in TRANSITIONS[current]]


def is_read_only(status: Status) -> bool:
    return status in (Status.CLOSED, Status.CANCELED)


def check_transition(
    current: Status,
    target: Status,
    *,
    hold_reason: HoldReason | None = None,
    closure: ClosureFacts | None = None,
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
    closure = closure or ClosureFacts(None, None, None)
    if target == Status.RESOLVED:
        _require(closure, ("resolution_code", "resolution_steps"), "Resolving")
    if target == Status.CLOSED:
        _require(closure, ("resolution_code", "root_cause", "resolution_steps"), "Closing")


def _require(closure: ClosureFacts, names: tuple[str, ...], verb: str) -> None:
    missing = [name for name in names if not (getattr(closure, name) or "").strip()]
    if missing:
        pretty = ", ".join(name.replace("_", " ") for name in missing)
        raise ClosureIncompleteError(f"{verb} an incident needs: {pretty}.", field=missing[0])
