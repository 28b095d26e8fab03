"""Working an incident on a real SQLite file: worklog, escalation, workaround, reopen, timeline; what syncs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import HoldReason, NoteKind, Status
from desktop_app.domain.errors import PermissionDeniedError, ReadOnlyIncidentError, ValidationError
from desktop_app.domain.escalation import EscalationKind
from desktop_app.domain.timeline import TimelineEntry, TimelineKind
from desktop_app.models import SyncState
from tests.support.builders import close, make_agent, resolve
from tests.support.database import max_seq, outbox_after
from tests.support.fakes import FixedClock

MakeIncident = Callable[..., IncidentDetail]


def _sign_in_as(context: AppContext, role: str) -> None:
    """What a sign-in leaves behind that the services read: the server and this user's role."""
    with Session(context.engine) as session, session.begin():
        if session.get(SyncState, 1) is None:
            session.add(SyncState(id=1))
            session.flush()
        session.execute(update(SyncState).where(SyncState.id == 1).values(server_url="https://hd.test", role=role))


# --- worklog ----------------------------------------------------------------------------------


def test_a_worklog_entry_keeps_its_minutes_and_audience_and_syncs_them(
    context: AppContext, make_incident: MakeIncident
) -> None:
    incident = make_incident()
    seq = max_seq(context)
    detail = context.workflow.worklog.add_entry(
        incident.id, "Reseated the cable", time_spent_minutes=25, visibility="visible"
    ).value
    note = detail.notes[-1]
    assert (note.kind, note.body, note.time_spent_minutes, note.visibility) == (
        NoteKind.WORKLOG,
        "Reseated the cable",
        25,
        "visible",
    )
    [entry] = outbox_after(context, seq)
    assert (entry.name, entry.payload["time_spent_minutes"], entry.payload["visibility"]) == ("add_note", 25, "visible")
    assert entry.payload["note_id"] == str(note.id)
    context.workflow.worklog.add_entry(incident.id, "Read the logs", kind=NoteKind.INVESTIGATION, time_spent_minutes=5)
    assert context.workflow.timeline.time_spent(incident.id) == 30


@pytest.mark.parametrize(
    ("minutes", "visibility", "field"),
    [
        (-1, "internal", "time_spent_minutes"),
        (24 * 60 + 1, "internal", "time_spent_minutes"),
        (5, "public", "visibility"),
    ],
)
def test_a_worklog_entry_with_bad_minutes_or_audience_is_refused(
    context: AppContext, make_incident: MakeIncident, minutes: int, visibility: str, field: str
) -> None:
    incident = make_incident()
    seq = max_seq(context)
    with pytest.raises(ValidationError) as info:
        context.workflow.worklog.add_entry(incident.id, "x", time_spent_minutes=minutes, visibility=visibility)
    assert info.value.field == field
    assert outbox_after(context, seq) == []


def test_system_and_escalation_notes_are_not_written_by_hand(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    for kind in (NoteKind.SYSTEM, NoteKind.ESCALATION):
        with pytest.raises(ValidationError):
            context.workflow.worklog.add_entry(incident.id, "x", kind=kind)


# --- take and escalate ---------------------------------------------------------------------------


def test_take_it_assigns_it_to_me_in_its_group(context: AppContext, make_incident: MakeIncident) -> None:
    desk = context.directory.find_group("Service Desk")
    incident = make_incident(group_id=desk.id)
    taken = context.workflow.escalations.take(incident.id).value
    assert (taken.assignee_name, taken.group_name, taken.status) == ("Terry Tester", "Service Desk", Status.ASSIGNED)
    with pytest.raises(ValidationError, match="already yours"):
        context.workflow.escalations.take(incident.id)


def test_signed_in_as_an_agent_take_it_refuses_someone_elses_incident(
    context: AppContext, make_incident: MakeIncident
) -> None:
    ivy = make_agent(context, "Ivy Net", groups=("Service Desk",))
    desk = context.directory.find_group("Service Desk")
    incident = context.incidents.assign(make_incident().id, group_id=desk.id, assignee_id=ivy.id).value
    _sign_in_as(context, "agent")
    with pytest.raises(
        PermissionDeniedError, match="assigned to Ivy Net; with the agent role you take only unassigned"
    ):
        context.workflow.escalations.take(incident.id)
    _sign_in_as(context, "supervisor")
    assert context.workflow.escalations.take(incident.id).value.assignee_name == "Terry Tester"


def test_functional_escalation_moves_the_group_records_the_reason_and_syncs_one_mutation(
    context: AppContext, make_incident: MakeIncident
) -> None:
    make_agent(context, "Ivy Net", groups=("Network Team",))
    network = context.directory.find_group("Network Team")
    incident = context.workflow.escalations.take(make_incident().id).value
    seq = max_seq(context)
    escalated = context.workflow.escalations.escalate(
        incident.id,
        EscalationKind.FUNCTIONAL,
        "  Switch port dead: network team  ",
        group_id=network.id,
        assignee_id=None,
    ).value
    assert (escalated.group_name, escalated.assignee_id) == ("Network Team", None)
    note = escalated.notes[-1]
    assert (note.kind, note.details["kind"], note.details["reason"]) == (
        NoteKind.ESCALATION,
        "functional",
        "Switch port dead: network team",
    )
    assert note.body == "Escalated to Network Team: Switch port dead: network team"
    [entry] = outbox_after(context, seq)
    assert entry.name == "escalate"
    assert entry.payload == {
        "kind": "functional",
        "reason": "Switch port dead: network team",
        "group_id": str(network.id),
        "assignee_id": None,
        "note_id": str(note.id),
    }
    assert entry.base["assignee_id"] == str(incident.assignee_id)


@pytest.mark.parametrize(
    ("kind", "reason", "target", "error", "match"),
    [
        (EscalationKind.FUNCTIONAL, " ", "network", ValidationError, "needs a reason"),
        (EscalationKind.FUNCTIONAL, "why", "same_group", ValidationError, "another group"),
        (EscalationKind.HIERARCHICAL, "why", "network", ValidationError, "names the supervisor"),
        (EscalationKind.REASSIGNMENT, "x" * 501, "ivy", ValidationError, "limit is 500"),
    ],
)
def test_escalation_rules_refuse_before_anything_is_written(
    context: AppContext, make_incident: MakeIncident, kind, reason, target, error, match
) -> None:
    ivy = make_agent(context, "Ivy Net", groups=("Network Team",))
    network = context.directory.find_group("Network Team")
    desk = context.directory.find_group("Service Desk")
    incident = context.workflow.escalations.take(make_incident(group_id=desk.id).id).value
    group_id, assignee_id = {
        "network": (network.id, None),
        "same_group": (desk.id, None),
        "ivy": (network.id, ivy.id),
    }[target]
    seq = max_seq(context)
    with pytest.raises(error, match=match):
        context.workflow.escalations.escalate(incident.id, kind, reason, group_id=group_id, assignee_id=assignee_id)
    assert outbox_after(context, seq) == []


def test_only_a_supervisor_reassigns_with_a_reason_once_signed_in(
    context: AppContext, make_incident: MakeIncident
) -> None:
    ivy = make_agent(context, "Ivy Net", groups=("Network Team",))
    network = context.directory.find_group("Network Team")
    incident = make_incident()
    assert context.workflow.escalations.my_role() is None  # standalone: no roles, anything goes
    _sign_in_as(context, "agent")
    with pytest.raises(PermissionDeniedError, match="may not reassign"):
        context.workflow.escalations.escalate(
            incident.id, EscalationKind.REASSIGNMENT, "Ivy knows it", group_id=network.id, assignee_id=ivy.id
        )
    with pytest.raises(PermissionDeniedError, match="not to a person"):
        context.workflow.escalations.escalate(
            incident.id, EscalationKind.FUNCTIONAL, "Network", group_id=network.id, assignee_id=ivy.id
        )
    _sign_in_as(context, "supervisor")
    moved = context.workflow.escalations.escalate(
        incident.id, EscalationKind.REASSIGNMENT, "Ivy knows it", group_id=network.id, assignee_id=ivy.id
    ).value
    assert (moved.assignee_name, moved.status, moved.notes[-1].body) == (
        "Ivy Net",
        Status.ASSIGNED,
        "Reassigned to Network Team / Ivy Net: Ivy knows it",
    )


def test_a_closed_incident_cannot_be_escalated(context: AppContext, make_incident: MakeIncident) -> None:
    network_agent = make_agent(context, "Ivy Net", groups=("Network Team",))
    incident = close(context, make_incident())
    with pytest.raises(ReadOnlyIncidentError):
        context.workflow.escalations.escalate(
            incident.id, EscalationKind.HIERARCHICAL, "help", group_id=None, assignee_id=network_agent.id
        )


# --- workaround ----------------------------------------------------------------------------------


def test_workaround_history_and_publishing(context: AppContext, make_incident: MakeIncident) -> None:
    incident = make_incident()
    context.workflow.worklog.set_workaround(incident.id, "Print from tray 2")
    seq = max_seq(context)
    published = context.workflow.worklog.publish_workaround(incident.id, "Print from tray 2 in draft mode").value
    assert published.workaround == "Print from tray 2 in draft mode"
    assert [(h.old_value, h.new_value) for h in published.history if h.field == "workaround"] == [
        (None, "Print from tray 2"),
        ("Print from tray 2", "Print from tray 2 in draft mode"),
    ]
    note = published.notes[-1]
    assert (note.kind, note.visibility) == (NoteKind.COMMUNICATION, "visible")
    assert note.body.endswith("Print from tray 2 in draft mode")
    assert [e.name for e in outbox_after(context, seq)] == ["update_fields", "add_note"]
    with pytest.raises(ValidationError, match="already"):
        context.workflow.worklog.set_workaround(incident.id, "Print from tray 2 in draft mode")


def test_publishing_needs_a_workaround(context: AppContext, make_incident: MakeIncident) -> None:
    with pytest.raises(ValidationError, match="Write the workaround"):
        context.workflow.worklog.publish_workaround(make_incident().id)


# --- reopen and the timeline ---------------------------------------------------------------------


def test_reopen_records_its_reason_as_a_note_carried_by_the_status_change(
    context: AppContext, make_incident: MakeIncident
) -> None:
    incident = close(context, make_incident())
    seq = max_seq(context)
    reopened = context.incidents.change_status(incident.id, Status.IN_PROGRESS, reason="Jams again").value
    note = reopened.notes[-1]
    assert (note.kind, note.body, note.details["event"]) == (
        NoteKind.SYSTEM,
        "Reopened from closed: Jams again",
        "reopened",
    )
    [entry] = outbox_after(context, seq)
    assert (entry.name, entry.payload["reason"], entry.payload["note_id"]) == (
        "change_status",
        "Jams again",
        str(note.id),
    )


def test_timeline_mixes_everything_newest_first_and_filters(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock
) -> None:
    ivy = make_agent(context, "Ivy Net", groups=("Network Team",))
    incident = make_incident()
    clock.advance(minutes=1)
    context.workflow.worklog.add_entry(incident.id, "Checked the switch", time_spent_minutes=75)
    clock.advance(minutes=1)
    context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR)
    clock.advance(minutes=1)
    context.workflow.escalations.escalate(
        incident.id, EscalationKind.HIERARCHICAL, "Vendor silent", group_id=None, assignee_id=ivy.id
    )
    clock.advance(minutes=1)
    context.workflow.worklog.set_workaround(incident.id, "Use the guest Wi-Fi")

    timeline = context.workflow.timeline.timeline(incident.id)
    kinds = [entry.kind for entry in timeline]
    assert timeline[0].title == "Workaround: – → Use the guest Wi-Fi"
    assert kinds[0] == TimelineKind.FIELD
    assert {TimelineKind.ESCALATION, TimelineKind.ASSIGNMENT, TimelineKind.NOTE} <= set(kinds)
    assert [e.at for e in timeline] == sorted((e.at for e in timeline), reverse=True)
    assert (kinds[-1], timeline[-1].title) == (TimelineKind.STATUS, f"Logged as {incident.display_number}")
    note = next(e for e in timeline if e.kind == TimelineKind.NOTE)
    assert note.title == "Worklog · 1 h 15 min · internal"
    only = context.workflow.timeline.timeline(incident.id, kinds=[TimelineKind.STATUS])
    assert [e.title for e in only] == [
        "On-hold reason: – → awaiting vendor",
        "Status: new → on hold",
        f"Logged as {incident.display_number}",
    ]


def test_timeline_has_a_seam_for_attachments(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock
) -> None:

    incident = make_incident()
    context.workflow.timeline.add_source(
        lambda _session, incident_id: [
            TimelineEntry(clock.now, TimelineKind.ATTACHMENT, "photo.jpg", None, "Terry Tester", f"x{incident_id}")
        ]
    )
    [entry] = context.workflow.timeline.timeline(incident.id, kinds=[TimelineKind.ATTACHMENT])
    assert entry.title == "photo.jpg"


def test_resolve_then_reopen_then_resolve_keeps_the_documentation(
    context: AppContext, make_incident: MakeIncident
) -> None:
    incident = resolve(context, make_incident())
    context.incidents.change_status(incident.id, Status.IN_PROGRESS, reason="User says no")
    again = context.incidents.change_status(incident.id, Status.RESOLVED).value
    assert (again.status, again.resolution_code) == (Status.RESOLVED, "hardware_replaced")
    assert [n.details["from"] for n in again.notes if n.kind == NoteKind.SYSTEM] == ["resolved"]


def test_timeline_shows_attachments_added_and_removed(
    context: AppContext, make_incident: MakeIncident, clock: FixedClock, tmp_path
) -> None:
    incident = make_incident()
    log = tmp_path / "printer.log"
    log.write_text("paper jam at tray 2\n" * 10, encoding="utf-8")
    clock.advance(minutes=1)
    info = context.attachments.add(incident.id, log, "printer.log", caption="From the printer's web page")
    clock.advance(minutes=1)
    context.attachments.remove(info.id)

    entries = context.workflow.timeline.timeline(incident.id, kinds=[TimelineKind.ATTACHMENT])

    assert [(e.title, e.body) for e in entries] == [
        ("Removed printer.log", None),
        ("Attached printer.log", "From the printer's web page"),
    ]
    assert entries[1].actor == "Terry Tester"
