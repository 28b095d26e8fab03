"""The server's re-implemented rules agree with the client's, and the role rules say what PROTOCOL.md says."""

from __future__ import annotations

import uuid

import pytest

from central_server.domain import enums as server_enums
from central_server.domain import incident_fields
from central_server.domain.errors import InvalidTransitionError, InvalidValueError, PermissionDeniedError
from central_server.domain.permissions import (
    Actor,
    Assignment,
    can_see,
    check_create_assignment,
    check_reassign,
    check_update_agent,
)
from central_server.domain.status_machine import TRANSITIONS as SERVER_TRANSITIONS
from central_server.domain.status_machine import check_transition
from desktop_app.domain import enums as client_enums
from desktop_app.domain import limits as client_limits
from desktop_app.domain.status_machine import TRANSITIONS as CLIENT_TRANSITIONS

ME = uuid.uuid4()
OTHER = uuid.uuid4()
MY_GROUP = uuid.uuid4()
OTHER_GROUP = uuid.uuid4()
DOCS = {
    "resolution_code": "fixed",
    "root_cause": "toner",
    "resolution_steps": "replaced toner",
    "root_cause_category": "hardware",
    "reporter_informed": True,
}


def _plain(table: dict) -> dict[str, set[str]]:
    return {str(source.value): {str(target.value) for target in targets} for source, targets in table.items()}


def test_status_machine_table_equals_the_clients():
    assert _plain(SERVER_TRANSITIONS) == _plain(CLIENT_TRANSITIONS)


@pytest.mark.parametrize("name", ["Status", "HoldReason", "NoteKind", "Channel", "Priority"])
def test_vocabularies_equal_the_clients(name):
    server = [member.value for member in getattr(server_enums, name)]
    client = [member.value for member in getattr(client_enums, name)]
    assert server == client


def test_field_limits_equal_the_clients():
    for name in ("TITLE_MAX", "NAME_MAX", "EMAIL_MAX", "PHONE_MAX", "SHORT_TEXT_MAX", "REASON_MAX"):
        assert getattr(incident_fields, name) == getattr(client_limits, name), name
    assert incident_fields.LONG_TEXT_MAX == client_limits.DESCRIPTION_MAX == client_limits.NOTE_MAX


def test_transition_rules_need_hold_reason_and_closure_documentation():
    status, hold = server_enums.Status, server_enums.HoldReason
    with pytest.raises(InvalidValueError, match="hold_reason"):
        check_transition(status.IN_PROGRESS, status.ON_HOLD, hold_reason=None, documentation={})
    check_transition(status.IN_PROGRESS, status.ON_HOLD, hold_reason=hold.AWAITING_VENDOR, documentation={})
    with pytest.raises(InvalidValueError, match=r"resolution code\. Resolving needs resolution notes"):
        check_transition(status.IN_PROGRESS, status.RESOLVED, hold_reason=None, documentation={})
    with pytest.raises(InvalidValueError, match="Closing needs the root cause described"):
        check_transition(status.RESOLVED, status.CLOSED, hold_reason=None, documentation=DOCS | {"root_cause": " "})
    check_transition(status.RESOLVED, status.CLOSED, hold_reason=None, documentation=DOCS)
    with pytest.raises(InvalidTransitionError, match="none: it is final"):
        check_transition(status.CANCELED, status.IN_PROGRESS, hold_reason=None, documentation=DOCS)


def _actor(role: str, groups: tuple[uuid.UUID, ...] = (MY_GROUP,)) -> Actor:
    return Actor(id=ME, username="me", role=server_enums.Role(role), group_ids=frozenset(groups))


@pytest.mark.parametrize(
    ("role", "incident", "visible"),
    [
        ("agent", {"group_id": MY_GROUP}, True),
        ("agent", {"group_id": None}, True),
        ("agent", {"group_id": OTHER_GROUP, "assignee_id": ME}, True),
        ("agent", {"group_id": OTHER_GROUP, "created_by_id": ME}, True),
        ("agent", {"group_id": OTHER_GROUP}, False),
        ("technician", {"group_id": OTHER_GROUP, "assignee_id": OTHER}, False),
        ("supervisor", {"group_id": OTHER_GROUP}, True),
        ("admin", {"group_id": OTHER_GROUP}, True),
    ],
)
def test_visibility(role, incident, visible):
    facts = {"group_id": None, "assignee_id": None, "created_by_id": None} | incident
    assert can_see(_actor(role), **facts) is visible


TAKE = (Assignment(MY_GROUP, None), Assignment(MY_GROUP, ME))
TAKE_UNGROUPED = (Assignment(None, None), Assignment(MY_GROUP, ME))
TAKE_FOREIGN = (Assignment(OTHER_GROUP, None), Assignment(OTHER_GROUP, ME))
TAKE_FROM_COLLEAGUE = (Assignment(MY_GROUP, OTHER), Assignment(MY_GROUP, ME))
RELEASE = (Assignment(MY_GROUP, ME), Assignment(MY_GROUP, None))
RELEASE_ELSEWHERE = (Assignment(MY_GROUP, ME), Assignment(OTHER_GROUP, None))
GIVE_TO_OTHER = (Assignment(MY_GROUP, None), Assignment(MY_GROUP, OTHER))
MOVE_GROUP = (Assignment(MY_GROUP, None), Assignment(OTHER_GROUP, None))
ROUTE_UNGROUPED = (Assignment(None, None), Assignment(OTHER_GROUP, None))
UNROUTE = (Assignment(MY_GROUP, None), Assignment(None, None))
MOVE_ASSIGNED = (Assignment(MY_GROUP, OTHER), Assignment(OTHER_GROUP, OTHER))
MOVE_MY_OWN = (Assignment(MY_GROUP, ME), Assignment(OTHER_GROUP, ME))
ROUTE_AND_GIVE = (Assignment(MY_GROUP, None), Assignment(OTHER_GROUP, OTHER))
CASES = {
    "take": TAKE,
    "take_ungrouped": TAKE_UNGROUPED,
    "take_foreign": TAKE_FOREIGN,
    "take_from_colleague": TAKE_FROM_COLLEAGUE,
    "release": RELEASE,
    "release_elsewhere": RELEASE_ELSEWHERE,
    "give_to_other": GIVE_TO_OTHER,
    "move_group": MOVE_GROUP,
    "route_ungrouped": ROUTE_UNGROUPED,
    "unroute": UNROUTE,
    "move_assigned": MOVE_ASSIGNED,
    "move_my_own": MOVE_MY_OWN,
    "route_and_give": ROUTE_AND_GIVE,
}
# v1.1: the group of an incident nobody is assigned to is anyone's to route (visibility is checked by the caller).
ALLOWED_FOR_STAFF = {"take", "take_ungrouped", "release", "move_group", "route_ungrouped", "unroute"}


@pytest.mark.parametrize("role", ["agent", "technician", "supervisor", "admin"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_reassign_rules(role, case):
    current, target = CASES[case]
    allowed = role in ("supervisor", "admin") or case in ALLOWED_FOR_STAFF
    if allowed:
        check_reassign(_actor(role), current, target)
    else:
        with pytest.raises(PermissionDeniedError):
            check_reassign(_actor(role), current, target)


@pytest.mark.parametrize(
    ("role", "target", "allowed"),
    [
        ("agent", Assignment(OTHER_GROUP, None), True),  # routing at logging time
        ("agent", Assignment(MY_GROUP, ME), True),
        ("agent", Assignment(None, ME), True),
        ("technician", Assignment(OTHER_GROUP, ME), False),
        ("agent", Assignment(MY_GROUP, OTHER), False),
        ("supervisor", Assignment(OTHER_GROUP, OTHER), True),
    ],
)
def test_assignment_in_a_new_incident(role, target, allowed):
    if allowed:
        check_create_assignment(_actor(role), target)
    else:
        with pytest.raises(PermissionDeniedError):
            check_create_assignment(_actor(role), target)


@pytest.mark.parametrize("role", ["agent", "technician", "supervisor", "admin"])
@pytest.mark.parametrize(
    ("whom", "fields", "allowed_for_staff"),
    [
        ("self", {"name"}, True),
        ("self", {"name", "email"}, True),
        ("self", {"role"}, False),
        ("self", {"name", "group_ids"}, False),
        ("other", {"name"}, False),
    ],
)
def test_update_agent_rules(role, whom, fields, allowed_for_staff):
    agent_id = ME if whom == "self" else OTHER
    if role == "admin" or allowed_for_staff:
        check_update_agent(_actor(role), agent_id, fields)
    else:
        with pytest.raises(PermissionDeniedError, match="Only an admin"):
            check_update_agent(_actor(role), agent_id, fields)
