"""IncidentService on a real SQLite file: create and update, with their audit and outbox entries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from desktop_app.context import AppContext, open_context
from desktop_app.domain.clock import HybridTimestamp
from desktop_app.domain.dtos import Change, IncidentDetail, IncidentPatch, ReporterDraft
from desktop_app.domain.enums import Channel, HoldReason, Priority, Status
from desktop_app.domain.errors import (
    NotFoundError,
    UnknownCategoryError,
    ValidationError,
)
from desktop_app.domain.limits import DESCRIPTION_MAX, TITLE_MAX
from tests.support.builders import CLOSURE_DOCS, incident_draft, make_agent, make_reporter
from tests.support.database import audit_events, count, max_seq, outbox_after, row_counts
from tests.support.fakes import FixedClock

MakeIncident = Callable[..., IncidentDetail]


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
    before = row_counts(context)
    with pytest.raises(ValidationError, match="reason for overriding") as info:
        context.incidents.create(incident_draft(priority_override=Priority.P1))
    assert info.value.field == "priority_override_reason"
    assert row_counts(context) == before

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
    before = row_counts(context)
    draft = incident_draft(category_path="Plumbing > Leaks", new_reporter=ReporterDraft("Cy Dee", email="cy@ex.org"))
    with pytest.raises(UnknownCategoryError, match="Plumbing > Leaks") as info:
        context.incidents.create(draft)
    assert info.value.code == "unknown_category"
    assert row_counts(context) == before
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
    before = row_counts(context)
    with pytest.raises(NotFoundError) as info:
        context.incidents.create(incident_draft(**fields))
    assert info.value.field == field
    assert row_counts(context) == before


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
    before = row_counts(context)
    draft = incident_draft(**({"description": "Printer jams"} | fields))
    with pytest.raises(ValidationError, match=message) as info:
        context.incidents.create(draft)
    assert info.value.field == field
    assert row_counts(context) == before


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
        "resolve": lambda: context.incidents.change_status(incident.id, Status.RESOLVED, **CLOSURE_DOCS),
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
    before = row_counts(context)
    for patch in (IncidentPatch(title="  "), IncidentPatch(impact=5), IncidentPatch(category_path="Nope")):
        with pytest.raises(ValidationError if patch.category_path is None else UnknownCategoryError):
            context.incidents.update(incident.id, patch)
    assert row_counts(context) == before
    assert context.incidents.get(incident.id).version == 1
