"""The incident status machine: the same table as the client's (a test compares the two)."""

from __future__ import annotations

from central_server.domain.enums import HoldReason, Status
from central_server.domain.errors import InvalidTransitionError, InvalidValueError
from sync_protocol.workflow_rules import (
    closure_problems,
    reason_problem,
    resolution_problems,
)

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


def is_reopen(current: Status, target: Status) -> bool:
    return current in (Status.RESOLVED, Status.CLOSED) and target == Status.IN_PROGRESS


def check_transition(
    current: Status,
    target: Status,
    *,
    hold_reason: HoldReason | None,
    documentation: dict[str, object],
    reopen_reason: str | None = None,
) -> None:
    """Raise a rejection naming the rule when ``current → target`` is not allowed from the server's state."""
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none: it is final"
        raise InvalidTransitionError(
            f"An incident that is {current.value} cannot become {target.value} (allowed: {allowed})."
        )
    if target == Status.ON_HOLD and hold_reason is None:
        raise InvalidValueError("Putting an incident on hold needs a hold_reason.")
    # The same rules as the client's domain (sync_protocol/workflow_rules.py): all broken ones are named.
    problems = (
        closure_problems(documentation)
        if target == Status.CLOSED
        else resolution_problems(documentation)
        if target == Status.RESOLVED
        else []
    )
    if problems:
        raise InvalidValueError(" ".join(problem.message for problem in problems))
    if is_reopen(current, target):
        problem = reason_problem(reopen_reason, "Reopening an incident")
        if problem is not None:
            raise InvalidValueError(problem.message)
