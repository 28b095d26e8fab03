"""IncidentService on a real SQLite file: assign, status, notes, paging, and what each sends to sync."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail, IncidentPatch
from desktop_app.domain.enums import HoldReason, NoteKind, Status
from desktop_app.domain.errors import (
    ClosureIncompleteError,
    InvalidTransitionError,
    NotFoundError,
    ReadOnlyIncidentError,
    ValidationError,
)
from tests.support.builders import CLOSE_DOCS, CLOSURE_DOCS, close, make_agent, resolve
from tests.support.database import count, row_counts
from tests.support.fakes import FixedClock

MakeIncident = Callable[..., IncidentDetail]


# --- assign ------------------------------------------------------------------------------


def test_assign_moves_new_to_assigned_and_back(context: AppContext, make_incident: MakeIncident) -> None:
    agent = make_agent(context, "Ivy Net", groups=("Network Team",))
    group = context.directory.find_group("Network Team")
    incident = make_incident()
    assigned = context.incidents.assign(incident.id, group_id=group.id, assignee_id=agent.id)
    assert (assigned.value.status, assigned.value.assignee_name) == (Status.ASSIGNED, "Ivy Net")
    assert {(h.field, h.old_value, h.new_value) for h in assigned.value.history[1:]} == {
        ("group", None, "Network Team"),
        ("assignee", None, "Ivy Net"),
        ("status", "new", "assigned"),
    }
    assert assigned.changes.ids("incident") == {incident.id}

    unassigned = context.incidents.assign(incident.id, group_id=None, assignee_id=None).value
    assert (unassigned.status, unassigned.assignee_id, unassigned.group_id) == (Status.NEW, None, None)
    assert unassigned.version == 3


def test_assign_to_a_group_only_keeps_new(context: AppContext, make_incident: MakeIncident) -> None:
    group = context.directory.find_group("Service Desk")
    incident = context.incidents.assign(make_incident().id, group_id=group.id, assignee_id=None).value
    assert (incident.status, incident.group_name) == (Status.NEW, "Service Desk")


def test_assign_refuses_unknown_agents_and_no_ops(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    with pytest.raises(NotFoundError, match="not active"):
        context.incidents.assign(incident.id, group_id=None, assignee_id=uuid.UUID(int=7))
    with pytest.raises(NotFoundError, match="group"):
        context.incidents.assign(incident.id, group_id=uuid.UUID(int=8), assignee_id=None)
    with pytest.raises(ValidationError, match="already assigned"):
        context.incidents.assign(incident.id, group_id=None, assignee_id=None)
    assert context.incidents.get(incident.id).version == 1


# --- change_status -------------------------------------------------------------------------


def test_on_hold_needs_a_reason_and_leaving_clears_it(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    with pytest.raises(ValidationError, match="needs a reason"):
        context.incidents.change_status(incident.id, Status.ON_HOLD)
    held = context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR).value
    assert (held.status, held.hold_reason) == (Status.ON_HOLD, HoldReason.AWAITING_VENDOR)
    resumed = context.incidents.change_status(incident.id, Status.IN_PROGRESS).value
    assert (resumed.status, resumed.hold_reason) == (Status.IN_PROGRESS, None)
    assert [(h.field, h.old_value, h.new_value) for h in resumed.history[-2:]] == [
        ("status", "on_hold", "in_progress"),
        ("hold_reason", "awaiting_vendor", None),
    ]


def test_resolve_and_close_need_their_documentation(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock
) -> None:
    incident = make_incident()
    with pytest.raises(ClosureIncompleteError, match=r"resolution code\. \(1 more: resolution_steps\)"):
        context.incidents.change_status(incident.id, Status.RESOLVED)
    clock.advance(hours=1)
    resolved = resolve(context, incident)
    assert (resolved.status, resolved.resolved_at, resolved.resolution_code) == (
        Status.RESOLVED,
        clock.now,
        "hardware_replaced",
    )
    with pytest.raises(ClosureIncompleteError, match="root cause"):
        context.incidents.change_status(incident.id, Status.CLOSED)
    clock.advance(hours=1)
    closed = context.incidents.change_status(incident.id, Status.CLOSED, **CLOSE_DOCS).value
    assert (closed.status, closed.closed_at, closed.root_cause) == (Status.CLOSED, clock.now, "Worn fuser")
    assert closed.resolved_at == clock.now - timedelta(hours=1)


def test_documentation_can_be_written_beforehand(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    context.incidents.update(incident.id, IncidentPatch(**CLOSURE_DOCS, root_cause="Toner leak"))
    context.incidents.change_status(incident.id, Status.RESOLVED)
    closed = context.incidents.change_status(
        incident.id, Status.CLOSED, root_cause_category="software", reporter_informed=True
    ).value
    assert (closed.status, closed.root_cause) == (Status.CLOSED, "Toner leak")


def test_closed_is_read_only_until_reopened(context: AppContext, make_incident: MakeIncident) -> None:
    agent = make_agent(context, "Jo Desk")
    incident = close(context, make_incident())
    before = row_counts(context)
    with pytest.raises(ReadOnlyIncidentError, match="closed and read-only"):
        context.incidents.update(incident.id, IncidentPatch(title="Too late"))
    with pytest.raises(ReadOnlyIncidentError):
        context.incidents.add_note(incident.id, "Too late")
    with pytest.raises(ReadOnlyIncidentError):
        context.incidents.assign(incident.id, group_id=None, assignee_id=agent.id)
    assert row_counts(context) == before

    reopened = context.incidents.change_status(incident.id, Status.IN_PROGRESS, reason="Jams again").value
    assert (reopened.status, reopened.resolved_at, reopened.closed_at) == (Status.IN_PROGRESS, None, None)
    assert context.incidents.add_note(incident.id, "Came back").value.notes[-1].body == "Came back"


def test_canceled_is_final(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    context.incidents.change_status(incident.id, Status.CANCELED)
    with pytest.raises(InvalidTransitionError, match="final"):
        context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    with pytest.raises(ReadOnlyIncidentError, match="canceled"):
        context.incidents.update(incident.id, IncidentPatch(title="x"))


def test_open_only_counts_and_lists_open_work(context: AppContext, make_incident: MakeIncident) -> None:
    keep, done = make_incident("Still open"), make_incident("Fixed")
    resolve(context, done)
    assert context.incidents.count() == 2
    assert context.incidents.count(open_only=True) == 1
    assert [s.id for s in context.incidents.list_recent(open_only=True)] == [keep.id]


# --- notes -----------------------------------------------------------------------------------


def test_notes_are_appended_in_order(context: AppContext, make_incident: MakeIncident, clock: FixedClock) -> None:
    incident = make_incident()
    bodies = ["First call", "Second call, same minute", "Vendor replied"]
    context.incidents.add_note(incident.id, bodies[0])
    context.incidents.add_note(incident.id, bodies[1], NoteKind.COMMUNICATION)
    clock.advance(minutes=10)
    detail = context.incidents.add_note(incident.id, bodies[2], NoteKind.INVESTIGATION).value
    assert [n.body for n in detail.notes] == bodies
    assert [n.kind for n in detail.notes] == [NoteKind.WORKLOG, NoteKind.COMMUNICATION, NoteKind.INVESTIGATION]
    assert {n.author_name for n in detail.notes} == {"Terry Tester"}
    assert detail.updated_at == clock.now
    assert detail.version == 1  # notes never conflict, so they do not bump the field version


def test_system_and_empty_notes_are_refused(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    with pytest.raises(ValidationError, match="System notes") as info:
        context.incidents.add_note(incident.id, "I am the system", NoteKind.SYSTEM)
    assert info.value.field == "kind"
    with pytest.raises(ValidationError, match="note is required"):
        context.incidents.add_note(incident.id, "   ")
    assert count(context, "notes") == 0


# --- reading the queue -------------------------------------------------------------------------


def test_list_recent_pages_give_each_incident_once_newest_first(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock
) -> None:
    made = []
    for n in range(23):
        if n % 3 == 0:
            clock.advance(seconds=30)  # runs of incidents share a created_at: the id breaks the tie
        made.append(make_incident(f"Queue entry {n}"))
    expected = sorted(made, key=lambda i: (i.created_at, i.id), reverse=True)

    seen, after = [], None
    while page := context.incidents.list_recent(limit=5, after=after):
        assert len(page) <= 5
        seen.extend(page)
        after = (page[-1].created_at, page[-1].id)
    assert [s.id for s in seen] == [i.id for i in expected]
    assert len({s.id for s in seen}) == 23
    assert seen[0].title == "Queue entry 22"
    assert (
        context.incidents.summaries([made[0].id, made[1].id])
        == [s for s in seen if s.id in {made[0].id, made[1].id}][::-1]
    )


def test_a_change_to_impact_sends_the_whole_priority_group_with_its_base(
    context: AppContext, make_incident: Callable[..., Any]
) -> None:
    """The server merges impact, urgency, priority and the override reason as one field."""
    detail = make_incident("Scanner on floor 2 offline", impact=3, urgency=3)
    context.incidents.update(detail.id, IncidentPatch(impact=1))
    with context.engine.connect() as connection:
        payload, base = connection.exec_driver_sql(
            "SELECT payload, base FROM outbox WHERE name = 'update_fields' ORDER BY seq DESC LIMIT 1"
        ).one()
    payload, base = json.loads(payload), json.loads(base)
    assert payload == {"impact": 1, "urgency": 3, "priority": "P3", "priority_override_reason": None}
    assert {k: base[k] for k in payload} == {
        "impact": 3,
        "urgency": 3,
        "priority": "P5",
        "priority_override_reason": None,
    }
    history = [e.field for e in context.incidents.get(detail.id).history]
    assert "urgency" not in history, "only what changed is audited"
