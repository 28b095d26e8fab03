"""The incident status machine: the same table as the client's (a test compares the two)."""

from __future__ import annotations

from central_server.domain.enums import HoldReason, Status
from central_server.domain.errors import InvalidTransitionError, InvalidValueError

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CANCELED}),
    Status.ASSIGNED: frozenset({Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CANCELED}),
    Status.IN_PROGRESS: frozenset({Status.ASSIGNED, Status.ON_HOLD, Status.RESOLVED, Status.CANCELED}),
    Status.ON_HOLD: frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELED}),
    # Reopening sends the incident back to work; a closed record is read-only until reopened.
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELED: frozenset(),
}

RESOLVE_NEEDS = ("resolution_code", "resolution_steps")
CLOSE_NEEDS = ("resolution_code", "root_cause", "resolution_steps")


def check_transition(
    current: Status,
    target: Status,
    *,
    hold_reason: HoldReason | None,
    documentation: dict[str, str | None],
) -> None:
    """Raise a rejection naming the rule when ``current → target`` is not allowed from the server's state."""
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none: it is final"
        raise InvalidTransitionError(
            f"An incident that is {current.value} cannot become {target.value} (allowed: {allowed})."
        )
    if target == Status.ON_HOLD and hold_reason is None:
        raise InvalidValueError("Putting an incident on hold needs a hold_reason.")
    needed = CLOSE_NEEDS if target == Status.CLOSED else RESOLVE_NEEDS if target == Status.RESOLVED else ()
    missing = [name for name in needed if not (documentation.get(name) or "").strip()]
    if missing:
        raise InvalidValueError(f"Becoming {target.value} needs: {', '.join(missing)}.")
