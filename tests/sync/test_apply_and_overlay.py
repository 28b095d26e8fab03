"""Applying pulled changes and push results: the local overlay, settling, tombstones, numbers, merges.

No server here: the changes and answers are built as the server would send them (conftest helpers).
"""

from __future__ import annotations

import uuid
from typing import Any

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentPatch
from desktop_app.domain.enums import NoteKind, Status
from desktop_app.domain.ids import new_id
from desktop_app.models import IncidentShadow
from desktop_app.sync.dtos import OutboxState
from sync_protocol.schemas import FieldConflict
from tests.support.builders import make_incident
from tests.support.database import audit_events, count, max_seq, rows
from tests.sync.conftest import answer, change, connect_locally, outbox_states, pull, server_incident


def _synced(context: AppContext, description: str = "Printer on floor 3 jams") -> Any:
    """An incident the server has accepted: its create answered, so it has a server copy."""
    detail = make_incident(context, description)
    answer(context)
    return detail


def _shadow(context: AppContext, incident_id: uuid.UUID) -> dict[str, Any] | None:
    with context.sync.store.read() as session:
        shadow = session.get(IncidentShadow, incident_id)
        return dict(shadow.data) if shadow else None


def test_a_pulled_incident_is_inserted_with_placeholders_and_no_outbox_entry(connected: AppContext) -> None:
    template = _synced(connected)
    unknown_agent, unknown_group = new_id(), new_id()
    data = server_incident(connected, template.id, id=str(new_id()), number=7, title="From the server")
    data |= {"assignee_id": str(unknown_agent), "group_id": str(unknown_group), "status": "assigned"}
    seq = max_seq(connected)

    pull(connected, change("incident", data))

    pulled = connected.incidents.get(uuid.UUID(data["id"]))
    assert (pulled.number, pulled.title, pulled.status) == (7, "From the server", Status.ASSIGNED)
    assert pulled.assignee_name == "Unknown user"
    assert pulled.group_name == f"Unknown group {unknown_group.hex}"
    assert max_seq(connected) == seq  # applying the server's changes never writes the outbox
    assert _shadow(connected, pulled.id) == data


def test_a_pending_local_edit_survives_a_pull_and_a_refusal_falls_back_to_the_server(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Mine, typed offline"))

    pull(connected, change("incident", server_incident(connected, incident.id, title="Theirs", impact=1, urgency=1)))

    overlaid = connected.incidents.get(incident.id)
    assert overlaid.title == "Mine, typed offline"  # touched by a pending mutation: kept
    assert overlaid.impact == 1  # untouched: the server's

    answer(connected, outcome="rejected", code="permission_denied", reason="Only the assignee may edit the title.")

    settled = connected.incidents.get(incident.id)
    assert settled.title == "Theirs"
    assert settled.impact == 1
    [error] = connected.sync.errors()
    assert (error.error_code, error.error_reason) == ("permission_denied", "Only the assignee may edit the title.")
    assert error.payload["title"] == "Mine, typed offline"  # what was typed is kept in the entry
    assert not [e for e in audit_events(connected, incident.id) if e.new_value == "Mine, typed offline"]


def test_an_applied_edit_stays_and_becomes_the_server_copy(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Applied title"))

    answer(connected)

    assert connected.incidents.get(incident.id).title == "Applied title"
    assert _shadow(connected, incident.id)["title"] == "Applied title"
    assert outbox_states(connected).get("pending") is None


def test_a_lost_conflict_takes_their_value_and_lands_in_the_inbox(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Mine"))
    lost = FieldConflict(field="title", base=incident.title, mine="Mine", theirs="Theirs", winner="theirs")

    answer(connected, outcome="conflict", conflicts=[lost])

    assert connected.incidents.get(incident.id).title == "Theirs"
    [conflict] = connected.sync.conflicts()
    assert (conflict.field, conflict.mine, conflict.theirs, conflict.winner) == ("title", "Mine", "Theirs", "theirs")
    assert conflict.current == "Theirs"
    assert connected.sync.status().conflicts == 1


def test_restore_mine_queues_an_update_with_the_losing_value(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Mine"))
    answer(
        connected,
        outcome="conflict",
        conflicts=[FieldConflict(field="title", base=incident.title, mine="Mine", theirs="Theirs", winner="theirs")],
    )
    [conflict] = connected.sync.conflicts()
    seq = max_seq(connected)

    resolved = connected.sync.resolve_conflict(conflict.id, "restore_mine")

    assert resolved.resolution == "restore_mine"
    assert not resolved.resolution_sent
    assert connected.sync.conflicts() == []
    assert connected.incidents.get(incident.id).title == "Mine"
    [entry] = [item for item in connected.sync.outbox() if item.seq > seq]
    assert (entry.name, dict(entry.payload), entry.base["title"]) == ("update_fields", {"title": "Mine"}, "Theirs")


def test_keep_theirs_on_a_lost_conflict_changes_nothing(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Mine"))
    answer(
        connected,
        outcome="conflict",
        conflicts=[FieldConflict(field="title", base=incident.title, mine="Mine", theirs="Theirs", winner="theirs")],
    )
    seq = max_seq(connected)

    connected.sync.resolve_conflict(connected.sync.conflicts()[0].id, "keep_theirs")

    assert max_seq(connected) == seq
    assert connected.incidents.get(incident.id).title == "Theirs"


def test_a_tombstone_removes_the_incident_and_its_notes(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.add_note(incident.id, "Called the user back")
    answer(connected)

    pull(connected, change("incident", None, op="delete", entity_id=incident.id))

    assert connected.incidents.count() == 0
    assert count(connected, "notes") == 0


def test_a_page_naming_a_note_twice_applies_its_last_change(connected: AppContext) -> None:
    """A reassignment republishes an incident's notes, so a page may carry a note's row twice."""
    incident = _synced(connected)
    note = {
        "id": str(new_id()),
        "incident_id": str(incident.id),
        "kind": NoteKind.WORKLOG.value,
        "body": "Called the user",
        "author_id": None,
        "created_at": incident.updated_at.isoformat(),
    }

    pull(connected, change("note", note), change("note", note))
    assert count(connected, "notes") == 1

    gone, back = new_id(), new_id()
    for note_id in (gone, back):
        pull(connected, change("note", note | {"id": str(note_id)}))
    pull(
        connected,
        change("note", note | {"id": str(gone)}),
        change("note", None, op="delete", entity_id=gone),
        change("note", None, op="delete", entity_id=back),
        change("note", note | {"id": str(back)}),
    )
    assert {n.id for n in connected.incidents.get(incident.id).notes} == {uuid.UUID(note["id"]), back}


def test_a_tombstone_keeps_an_incident_with_pending_changes_until_they_are_answered(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.add_note(incident.id, "Typed while it was being reassigned away")

    warnings = pull(connected, change("incident", None, op="delete", entity_id=incident.id))

    assert connected.incidents.count() == 1
    assert "withdrawn from you" in warnings[0]
    answer(connected, outcome="rejected", code="not_found", reason="You can no longer see this incident.")
    assert connected.incidents.count() == 0
    [error] = connected.sync.errors()
    assert error.payload["body"] == "Typed while it was being reassigned away"


def test_the_server_number_for_a_pending_incident_is_written_back_as_a_system_change(context: AppContext) -> None:
    connect_locally(context, blocks=())
    incident = make_incident(context, "Logged without numbers")
    seq = max_seq(context)

    answer(context, assigned={"number": 1042})

    detail = context.incidents.get(incident.id)
    assert detail.display_number == "INC-001042"
    [event] = [e for e in audit_events(context, incident.id) if e.field == "number"]
    assert (event.old_value, event.new_value, event.actor_id, event.mutation_id) == (None, "1042", None, None)
    assert max_seq(context) == seq
    assert context.sync.status().pending_numbers == 0


def test_a_server_number_held_here_by_another_incident_makes_that_one_pending(context: AppContext) -> None:
    standalone = make_incident(context, "From the standalone days")  # INC-000001
    connect_locally(context)
    data = server_incident(context, standalone.id, id=str(new_id()), number=1, title="The server's INC-000001")

    pull(context, change("incident", data))

    assert context.incidents.get(standalone.id).number is None
    assert context.incidents.get_by_number(1).title == "The server's INC-000001"
    assert [e.new_value for e in audit_events(context, standalone.id) if e.field == "number"] == [None]


def test_a_server_category_with_a_local_twin_takes_over_its_id(connected: AppContext) -> None:
    local = connected.categories.resolve_path("Network > VPN")
    incident = make_incident(connected, category_path="Network > VPN")
    server_id = new_id()

    pull(
        connected,
        change(
            "category",
            {"id": str(server_id), "name": "VPN", "path": "Network > VPN", "parent_id": str(local.parent_id)},
        ),
    )

    assert connected.categories.resolve_path("Network > VPN").id == server_id
    assert connected.incidents.get(incident.id).category_id == server_id
    everything = connected.sync.outbox(limit=10_000)
    create = [i for i in everything if i.name == "create_category" and i.entity_id == server_id]
    assert [(c.state, c.error_code) for c in create] == [(OutboxState.DISCARDED, "merged")]
    pending_create = next(i for i in connected.sync.outbox() if i.name == "create_incident")
    assert pending_create.payload["category_id"] == str(server_id)  # not sent yet: rewritten


def test_users_and_groups_arrive_with_their_memberships(connected: AppContext) -> None:
    group_id, user_id = new_id(), new_id()
    pull(
        connected,
        change(
            "group", {"id": str(group_id), "name": "Desktop Support", "description": None, "member_ids": [str(user_id)]}
        ),
        change(
            "user",
            {
                "id": str(user_id),
                "username": "dana",
                "name": "Dana Diaz",
                "email": None,
                "role": "technician",
                "is_active": True,
                "group_ids": [str(group_id)],
            },
        ),
    )
    [dana] = [a for a in connected.directory.agents() if a.username == "dana"]
    assert dana.group_ids == (group_id,)
    assert connected.directory.find_group("Desktop Support").id == group_id


def test_a_refused_note_is_taken_back_and_kept_in_errors(connected: AppContext) -> None:
    incident = _synced(connected)
    connected.incidents.add_note(incident.id, "Added after it was closed elsewhere", NoteKind.INVESTIGATION)

    answer(connected, outcome="rejected", code="read_only", reason="The incident is closed.")

    assert connected.incidents.get(incident.id).notes == ()
    assert connected.sync.errors()[0].description == f"Add a investigation note to {incident.display_number}"


def test_pulled_notes_and_audit_for_our_own_mutation_replace_the_local_ones(connected: AppContext) -> None:
    incident = _synced(connected)
    detail = connected.incidents.update(incident.id, IncidentPatch(title="New title")).value
    [local] = [e for e in detail.history if e.field == "title"]
    [found] = rows(connected, "SELECT mutation_id FROM audit_events WHERE id = :id", id=local.id.hex)
    answer(connected)
    when = detail.updated_at.isoformat()
    server_event = {
        "id": str(new_id()),
        "incident_id": str(incident.id),
        "field": "title",
        "old_value": incident.title,
        "new_value": "New title",
        "actor_id": None,
        "device_time": when,
        "server_time": when,
        "mutation_id": str(uuid.UUID(hex=found["mutation_id"])),
    }

    pull(connected, change("audit", server_event))

    titles = [e for e in connected.incidents.get(incident.id).history if e.field == "title"]
    assert [str(e.id) for e in titles] == [server_event["id"]]
