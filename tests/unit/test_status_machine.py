"""The incident status machine: every edge of TRANSITIONS, and the rules that guard some of them."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.errors import ClosureIncompleteError, InvalidTransitionError, ValidationError
from desktop_app.domain.status_machine import (
    TRANSITIONS,
    ClosureFacts,
    allowed_targets,
    check_transition,
    is_read_only,
)

FULL_DOCS = ClosureFacts(
    resolution_code="fixed",
    root_cause="worn roller",
    resolution_steps="replaced the roller",
    root_cause_category="hardware",
    reporter_informed=True,
)
ALLOWED = [(current, target) for current in Status for target in sorted(TRANSITIONS[current])]
FORBIDDEN = [(current, target) for current in Status for target in Status if target not in TRANSITIONS[current]]


def test_the_table_covers_every_status_and_matches_the_design() -> None:
    assert set(TRANSITIONS) == set(Status)
    assert TRANSITIONS[Status.CANCELED] == frozenset()
    assert TRANSITIONS[Status.CLOSED] == {Status.IN_PROGRESS}
    assert TRANSITIONS[Status.RESOLVED] == {Status.CLOSED, Status.IN_PROGRESS}
    assert Status.ON_HOLD in TRANSITIONS[Status.IN_PROGRESS]
    assert Status.IN_PROGRESS in TRANSITIONS[Status.ON_HOLD]
    # Canceled from any open state, and only from those.
    assert {s for s in Status if Status.CANCELED in TRANSITIONS[s]} == {s for s in Status if s.is_open}


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transition_passes_with_what_it_needs(current: Status, target: Status) -> None:
    check_transition(current, target, hold_reason=HoldReason.AWAITING_VENDOR, closure=FULL_DOCS, reopen_reason="again")
    assert target in allowed_targets(current)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transition_is_refused(current: Status, target: Status) -> None:
    with pytest.raises(InvalidTransitionError) as info:
        check_transition(current, target, hold_reason=HoldReason.AWAITING_VENDOR, closure=FULL_DOCS)
    assert info.value.code == "invalid_transition"
    assert target not in allowed_targets(current)


def test_refusal_names_the_allowed_targets() -> None:
    with pytest.raises(InvalidTransitionError, match=r"allowed: In progress, Closed\)"):
        check_transition(Status.RESOLVED, Status.NEW)
    with pytest.raises(InvalidTransitionError, match="final"):
        check_transition(Status.CANCELED, Status.IN_PROGRESS)


@pytest.mark.parametrize("current", [s for s in Status if Status.ON_HOLD in TRANSITIONS[s]])
def test_on_hold_needs_a_reason(current: Status) -> None:
    with pytest.raises(ValidationError) as info:
        check_transition(current, Status.ON_HOLD)
    assert info.value.field == "hold_reason"
    check_transition(current, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)


@pytest.mark.parametrize("current", [s for s in Status if Status.RESOLVED in TRANSITIONS[s]])
@pytest.mark.parametrize("missing", ["resolution_code", "resolution_steps"])
def test_resolving_needs_code_and_notes(current: Status, missing: str) -> None:
    facts = {"resolution_code": "fixed", "resolution_steps": "rebooted"} | {missing: "   "}
    with pytest.raises(ClosureIncompleteError) as info:
        check_transition(current, Status.RESOLVED, closure=ClosureFacts(**facts))
    assert info.value.field == missing
    # The root cause and the reporter confirmation may wait until closure.
    check_transition(current, Status.RESOLVED, closure=ClosureFacts("fixed", None, "rebooted"))


@pytest.mark.parametrize(
    "missing", ["resolution_code", "root_cause", "resolution_steps", "root_cause_category", "reporter_informed"]
)
def test_closing_needs_the_full_closure_documentation(missing: str) -> None:
    facts = dataclasses.asdict(FULL_DOCS) | {missing: None}
    with pytest.raises(ClosureIncompleteError) as info:
        check_transition(Status.RESOLVED, Status.CLOSED, closure=ClosureFacts(**facts))
    assert (info.value.code, info.value.field) == ("closure_incomplete", missing)


def test_closing_without_any_documentation_names_the_first_gap_and_counts_the_rest() -> None:
    with pytest.raises(ClosureIncompleteError, match=r"resolution code\. \(4 more: resolution_steps, root_cause_cat"):
        check_transition(Status.RESOLVED, Status.CLOSED)


@pytest.mark.parametrize("current", [Status.RESOLVED, Status.CLOSED])
def test_reopening_needs_a_reason(current: Status) -> None:
    for blank in (None, "", "   "):
        with pytest.raises(ValidationError, match="Reopening an incident needs a reason") as info:
            check_transition(current, Status.IN_PROGRESS, reopen_reason=blank)
        assert info.value.field == "reason"
    check_transition(current, Status.IN_PROGRESS, reopen_reason="The printer jams again")


def test_resuming_from_hold_is_not_a_reopen_and_needs_no_reason() -> None:
    check_transition(Status.ON_HOLD, Status.IN_PROGRESS)


@pytest.mark.parametrize("status", list(Status))
def test_same_status_is_not_a_transition(status: Status) -> None:
    with pytest.raises(InvalidTransitionError, match="already"):
        check_transition(status, status, hold_reason=HoldReason.AWAITING_CALLER, closure=FULL_DOCS)


def test_only_closed_and_canceled_are_read_only() -> None:
    assert {s for s in Status if is_read_only(s)} == {Status.CLOSED, Status.CANCELED}
    assert {s for s in Status if not s.is_open} == {Status.RESOLVED, Status.CLOSED, Status.CANCELED}
