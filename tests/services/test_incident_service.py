"""IncidentService on a real SQLite file: create, update, assign, status, notes, paging; audit and outbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from desktop_app.context import AppContext, open_context
from desktop_app.domain.clock import HybridTimestamp
from desktop_app.domain.dtos import Change, IncidentDetail, IncidentPatch, ReporterDraft
from desktop_app.domain.enums import Channel, HoldReason, NoteKind, Priority, Status
from desktop_app.domain.errors import (
    ClosureIncompleteError,
    InvalidTransitionError,
    NotFoundError,
    ReadOnlyIncidentError,
    UnknownCategoryError,
    ValidationError,
)
from desktop_app.domain.limits import DESCRIPTION_MAX, TITLE_MAX
from tests.support.builders import incident_draft, make_agent, make_reporter
from tests.support.database import audit_events, count, max_seq, outbox_after
from tests.support.fakes import FixedClock

MakeIncident = Callable[..., IncidentDetail]
DOCS = {"resolution_code": "Replaced part", "resolution_steps": "Swapped the fuser unit, printed a test page"}


def _snapshot(context: AppContext) -> tuple[int, int, int, int, int]:
    return tuple(count(context, t) for t in ("incidents", "outbox", "reporters", "audit_events", "notes"))  # type: ignore[return-value]


def _resolved(context: AppContext, incident: IncidentDetail) -> IncidentDetail:
    return context.incidents.change_status(incident.id, Status.RESOLVED, **DOCS).value


def _closed(context: AppContext, incident: IncidentDetail) -> IncidentDetail:
    _resolved(context, incident)
    return context.incidents.change_status(incident.id, Status.CLOSED, root_cause="Worn fuser").value


# --- create ------------------------------------------------------------------------------


def test_create_derives_title_priority_and_times(context: AppContext, clock: FixedClock) -> None:
    result = context.incidents.create(
        incident_draft("  Outlook shows a blank window\nsince this morning  ", impact=1, urgency=2)
    )
    incident = result.value
    assert incident.title == "Outlook shows a blank window"
    assert incident.description == "Outlook shows a blank window\nsince this morning"
    assert incident.priority is Priority.P2
    assert incident.priority_override_reason is None
    assert incident.status is Status.NEW
    assert incident.channel is Channel.PHONE
    assert incident.created_at == incident.reported_at == incident.occurred_at == clock.now
    assert incident.created_at.tzinfo is not None
    assert incident.version == 1
    assert incident.created_by_name == "Terry Tester"
    assert context.incidents.get(incident.id) == incident
    assert result.changes.changes == (Change("incident", incident.id, "created"),)


def test_create_keeps_a_typed_title_stripped(make_incident: MakeIncident) -> None:
    assert make_incident("VPN drops every ten minutes", title="  VPN drops  ").title == "VPN drops"


def test_priority_comes_from_the_configured_matrix(data_dir, clock, ids) -> None:
    rows = [["P1", "P1", "P1"], ["P2", "P2", "P2"], ["P3", "P3", "P4"]]
    (data_dir / "settings.json").write_text(json.dumps({"priority_matrix": rows}), encoding="utf-8")
    context = open_context(data_dir, clock=clock, ids=ids)
    try:
        assert context.incidents.create(incident_draft(impact=1, urgency=3)).value.priority is Priority.P1
        assert context.incidents.create(incident_draft(impact=3, urgency=3)).value.priority is Priority.P4
    finally:
        context.close()


def test_priority_override_needs_a_reason(context: AppContext) -> None:
    before = _snapshot(context)
    with pytest.raises(ValidationError, match="reason for overriding") as info:
        context.incidents.create(incident_draft(priority_override=Priority.P1))
    assert info.value.field == "priority_override_reason"
    assert _snapshot(context) == before

    incident = context.incidents.create(
        incident_draft(priority_override=Priority.P1, priority_override_reason=" CEO's laptop ")
    ).value
    assert (incident.priority, incident.priority_override_reason) == (Priority.P1, "CEO's laptop")
    assert (incident.impact, incident.urgency) == (3, 3)


def test_override_equal_to_the_matrix_is_not_an_override(context: AppContext) -> None:
    incident = context.incidents.create(incident_draft(priority_override=Priority.P5)).value
    assert (incident.priority, incident.priority_override_reason) == (Priority.P5, None)


def test_reporter_contact_details_are_copied_at_logging_time(context: AppContext) -> None:
    reporter = make_reporter(context, "Ann Smith", email="ann.smith@example.org", phone="+44 20 7946 0018")
    incident = context.incidents.create(incident_draft(reporter_id=reporter.id)).value
    assert incident.reporter == reporter
    assert (incident.reporter_name, incident.reporter_email, incident.reporter_phone) == (
        "Ann Smith",
        "ann.smith@example.org",
        "+44 20 7946 0018",
    )


def test_new_reporter_is_added_with_the_incident(context: AppContext) -> None:
    result = context.incidents.create(
        incident_draft(new_reporter=ReporterDraft("Bo Chen", email="BO@Example.org", phone="555 0199"))
    )
    incident = result.value
    assert incident.reporter is not None
    assert (incident.reporter_name, incident.reporter_email) == ("Bo Chen", "bo@example.org")
    assert result.changes.ids("reporter") == {incident.reporter.id}
    assert context.reporters.resolve("bo@example.org").id == incident.reporter.id


def test_category_is_found_by_path_in_any_case(context: AppContext) -> None:
    incident = context.incidents.create(incident_draft(category_path="  hardware>PRINTER ")).value
    assert incident.category_path == "Hardware > Printer"
    assert incident.category_id == context.categories.resolve_path("Hardware > Printer").id


def test_unknown_category_writes_nothing(context: AppContext) -> None:
    before = _snapshot(context)
    draft = incident_draft(category_path="Plumbing > Leaks", new_reporter=ReporterDraft("Cy Dee", email="cy@ex.org"))
    with pytest.raises(UnknownCategoryError, match="Plumbing > Leaks") as info:
        context.incidents.create(draft)
    assert info.value.code == "unknown_category"
    assert _snapshot(context) == before
    assert context.reporters.search("Cy Dee") == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reporter_id": uuid.UUID(int=1)}, "reporter"),
        ({"category_id": uuid.UUID(int=2)}, "category"),
        ({"group_id": uuid.UUID(int=3)}, "group"),
        ({"assignee_id": uuid.UUID(int=4)}, "assignee"),
    ],
)
def test_unknown_references_are_not_found_and_write_nothing(context: AppContext, fields: dict, field: str) -> None:
    before = _snapshot(context)
    with pytest.raises(NotFoundError) as info:
        context.incidents.create(incident_draft(**fields))
    assert info.value.field == field
    assert _snapshot(context) == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": ""}, "description", "description is required"),
        ({"description": " \n\t "}, "description", "description is required"),
        ({"description": "x" * (DESCRIPTION_MAX + 1)}, "description", "limit is 20,000"),
        ({"title": "t" * (TITLE_MAX + 1)}, "title", "limit is 200"),
        ({"title": "bell\x07"}, "title", "control characters"),
        ({"impact": 0}, "impact", "1, 2 or 3"),
        ({"urgency": 4}, "urgency", "1, 2 or 3"),
    ],
)
def test_bad_drafts_are_refused(context: AppContext, fields: dict, field: str, message: str) -> None:
    before = _snapshot(context)
    draft = incident_draft(**({"description": "Printer jams"} | fields))
    with pytest.raises(ValidationError, match=message) as info:
        context.incidents.create(draft)
    assert info.value.field == field
    assert _snapshot(context) == before


def test_occurred_at_may_not_be_in_the_future_or_naive(context: AppContext, clock: FixedClock) -> None:
    with pytest.raises(ValidationError, match="future") as info:
        context.incidents.create(incident_draft(occurred_at=clock.now + timedelta(minutes=6)))
    assert info.value.field == "occurred_at"
    with pytest.raises(ValidationError, match="time zone"):
        context.incidents.create(incident_draft(occurred_at=datetime(2026, 3, 1, 9, 0)))
    assert count(context, "incidents") == 0

    slightly_ahead = context.incidents.create(incident_draft(occurred_at=clock.now + timedelta(minutes=4))).value
    assert slightly_ahead.occurred_at == clock.now + timedelta(minutes=4)
    paris = timezone(timedelta(hours=1))
    earlier = datetime(2026, 3, 2, 8, 15, tzinfo=paris)
    incident = context.incidents.create(incident_draft(occurred_at=earlier)).value
    assert incident.occurred_at == earlier
    assert incident.occurred_at.tzinfo == UTC
    assert incident.reported_at == clock.now


def test_create_with_an_assignee_starts_assigned(context: AppContext) -> None:
    agent = make_agent(context, "Dana Field", groups=("Field Services",))
    group = context.directory.find_group("field services")
    incident = context.incidents.create(incident_draft(group_id=group.id, assignee_id=agent.id)).value
    assert (incident.status, incident.assignee_name, incident.group_name) == (
        Status.ASSIGNED,
        "Dana Field",
        "Field Services",
    )


def test_numbers_are_sequential_and_unique(make_incident: MakeIncident, context: AppContext) -> None:
    made = [make_incident(f"Incident number {n}") for n in range(1, 8)]
    assert [i.number for i in made] == list(range(1, 8))
    assert made[0].display_number == "INC-000001"
    assert context.incidents.get_by_number("INC-000003").id == made[2].id
    assert context.incidents.get_by_number("inc7").id == made[6].id
    assert context.incidents.get_by_number(5).id == made[4].id
    with pytest.raises(NotFoundError, match="INC-000008"):
        context.incidents.get_by_number(8)
    with pytest.raises(ValidationError, match="not an incident number"):
        context.incidents.get_by_number("PRB-1")
    with pytest.raises(NotFoundError):
        context.incidents.get(uuid.UUID(int=99))


# --- every write: audit and outbox -----------------------------------------------------------


def _writes(context: AppContext, incident: IncidentDetail, agent_id: uuid.UUID) -> dict[str, Callable[[], object]]:
    return {
        "update": lambda: context.incidents.update(incident.id, IncidentPatch(title="New title", impact=1)),
        "assign": lambda: context.incidents.assign(incident.id, group_id=None, assignee_id=agent_id),
        "change_status": lambda: context.incidents.change_status(
            incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER
        ),
        "resolve": lambda: context.incidents.change_status(incident.id, Status.RESOLVED, **DOCS),
        "add_note": lambda: context.incidents.add_note(incident.id, "Called back, no answer"),
    }


@pytest.mark.parametrize("operation", ["update", "assign", "change_status", "resolve", "add_note"])
def test_each_write_appends_one_outbox_entry_and_its_audit(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock, operation: str
) -> None:
    me = context.directory.me().id
    incident = make_incident()
    agent = make_agent(context, "Eve Ops")
    seq, previous_hlc = max_seq(context), outbox_after(context, max_seq(context) - 1)[0].hlc
    clock.advance(minutes=3)

    result = _writes(context, incident, agent.id)[operation]()

    (entry,) = outbox_after(context, seq)
    assert entry.seq == seq + 1
    assert entry.actor_id == me
    assert entry.created_at == clock.now
    assert entry.state == "pending"
    assert entry.entity_id == incident.id
    assert HybridTimestamp.decode(entry.hlc) > HybridTimestamp.decode(previous_hlc)
    assert HybridTimestamp.decode(entry.hlc).wall_ms == int(clock.now.timestamp() * 1000)
    assert result.changes.ids("incident") == {incident.id}  # type: ignore[attr-defined]
    new_events = [e for e in audit_events(context, incident.id) if e.mutation_id == entry.mutation_id]
    if operation == "add_note":
        # Notes are append-only children: the note row is the record, not a field change.
        assert entry.name == "add_note"
        assert entry.base == {}
        assert entry.payload["body"] == "Called back, no answer"
        assert new_events == []
        return
    assert entry.base["version"] == incident.version
    assert new_events, "a field change must be audited"
    assert {(e.actor_id, e.device_time) for e in new_events} == {(me, clock.now)}


def test_create_writes_created_audit_and_its_payload(context: AppContext, clock: FixedClock) -> None:
    seq = max_seq(context)
    incident = context.incidents.create(incident_draft(new_reporter=ReporterDraft("Flo Ray"))).value
    reporter_entry, incident_entry = outbox_after(context, seq)
    assert (reporter_entry.name, incident_entry.name) == ("create_reporter", "create_incident")
    assert (reporter_entry.seq, incident_entry.seq) == (seq + 1, seq + 2)
    assert reporter_entry.hlc < incident_entry.hlc
    assert incident_entry.entity_id == incident.id
    assert incident_entry.payload["number"] == incident.number
    assert incident_entry.payload["reporter_id"] == str(incident.reporter.id)  # type: ignore[union-attr]
    assert incident_entry.payload["occurred_at"] == clock.now.isoformat()
    assert incident_entry.base == {}
    (created,) = audit_events(context, incident.id)
    assert (created.field, created.new_value, created.mutation_id) == ("created", "1", incident_entry.mutation_id)
    assert [h.field for h in incident.history] == ["created"]


# --- update ----------------------------------------------------------------------------


def test_update_audits_only_what_changed(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident("Monitor flickers", title="Monitor flickers")
    seq = max_seq(context)
    updated = context.incidents.update(
        incident.id, IncidentPatch(title="Monitor flickers", description="Monitor flickers on HDMI only")
    ).value
    assert updated.version == 2
    assert updated.description == "Monitor flickers on HDMI only"
    (entry,) = outbox_after(context, seq)
    assert entry.payload == {"description": "Monitor flickers on HDMI only"}
    assert entry.base == {"description": "Monitor flickers", "version": 1}
    assert [(h.field, h.old_value, h.new_value) for h in updated.history[1:]] == [
        ("description", "Monitor flickers", "Monitor flickers on HDMI only")
    ]


def test_update_with_nothing_new_changes_nothing(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident("Monitor flickers", title="Monitor flickers")
    seq = max_seq(context)
    result = context.incidents.update(incident.id, IncidentPatch(title="Monitor flickers", urgency=3))
    assert result.value.version == 1
    assert not result.changes
    assert outbox_after(context, seq) == []
    with pytest.raises(ValidationError, match="Nothing to change"):
        context.incidents.update(incident.id, IncidentPatch())


def test_update_recomputes_priority_when_impact_changes(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident(impact=3, urgency=2)
    assert incident.priority is Priority.P4
    updated = context.incidents.update(incident.id, IncidentPatch(impact=1)).value
    assert updated.priority is Priority.P2
    assert {(h.field, h.old_value, h.new_value) for h in updated.history[1:]} == {
        ("impact", "3", "1"),
        ("priority", "P4", "P2"),
    }


def test_an_override_is_kept_until_cleared(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident(priority_override=Priority.P1, priority_override_reason="Payroll run today")
    kept = context.incidents.update(incident.id, IncidentPatch(urgency=2)).value
    assert (kept.priority, kept.priority_override_reason, kept.urgency) == (Priority.P1, "Payroll run today", 2)
    cleared = context.incidents.update(incident.id, IncidentPatch(clear_priority_override=True)).value
    assert (cleared.priority, cleared.priority_override_reason) == (Priority.P4, None)
    assert cleared.version == 3


def test_update_can_switch_a_drill_off(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident(is_drill=True)
    assert incident.is_drill
    updated = context.incidents.update(incident.id, IncidentPatch(is_drill=False)).value
    assert not updated.is_drill
    assert updated.history[-1].field == "is_drill"


def test_update_to_another_reporter_copies_the_new_contact(context: AppContext, make_incident: MakeIncident) -> None:
    first = make_reporter(context, "Gil Hart", email="gil@example.org")
    second = make_reporter(context, "Hana Ito", email="hana@example.org", phone="555 0100")
    incident = make_incident(reporter_id=first.id)
    updated = context.incidents.update(incident.id, IncidentPatch(reporter_id=second.id)).value
    assert (updated.reporter_name, updated.reporter_email, updated.reporter_phone) == (
        "Hana Ito",
        "hana@example.org",
        "555 0100",
    )


def test_update_rejects_bad_values_and_writes_nothing(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    before = _snapshot(context)
    for patch in (IncidentPatch(title="  "), IncidentPatch(impact=5), IncidentPatch(category_path="Nope")):
        with pytest.raises(ValidationError if patch.category_path is None else UnknownCategoryError):
            context.incidents.update(incident.id, patch)
    assert _snapshot(context) == before
    assert context.incidents.get(incident.id).version == 1


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
    with pytest.raises(ClosureIncompleteError, match="resolution code, resolution steps"):
        context.incidents.change_status(incident.id, Status.RESOLVED)
    clock.advance(hours=1)
    resolved = _resolved(context, incident)
    assert (resolved.status, resolved.resolved_at, resolved.resolution_code) == (
        Status.RESOLVED,
        clock.now,
        "Replaced part",
    )
    with pytest.raises(ClosureIncompleteError, match="root cause"):
        context.incidents.change_status(incident.id, Status.CLOSED)
    clock.advance(hours=1)
    closed = context.incidents.change_status(incident.id, Status.CLOSED, root_cause="Worn fuser").value
    assert (closed.status, closed.closed_at, closed.root_cause) == (Status.CLOSED, clock.now, "Worn fuser")
    assert closed.resolved_at == clock.now - timedelta(hours=1)


def test_documentation_can_be_written_beforehand(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    context.incidents.update(incident.id, IncidentPatch(**DOCS, root_cause="Toner leak"))
    context.incidents.change_status(incident.id, Status.RESOLVED)
    assert context.incidents.change_status(incident.id, Status.CLOSED).value.status is Status.CLOSED


def test_closed_is_read_only_until_reopened(context: AppContext, make_incident: MakeIncident) -> None:
    agent = make_agent(context, "Jo Desk")
    incident = _closed(context, make_incident())
    before = _snapshot(context)
    with pytest.raises(ReadOnlyIncidentError, match="closed and read-only"):
        context.incidents.update(incident.id, IncidentPatch(title="Too late"))
    with pytest.raises(ReadOnlyIncidentError):
        context.incidents.add_note(incident.id, "Too late")
    with pytest.raises(ReadOnlyIncidentError):
        context.incidents.assign(incident.id, group_id=None, assignee_id=agent.id)
    assert _snapshot(context) == before

    reopened = context.incidents.change_status(incident.id, Status.IN_PROGRESS).value
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
    _resolved(context, done)
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
