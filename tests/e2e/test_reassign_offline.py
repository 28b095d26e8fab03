"""A supervisor reassigns while the technician is offline, working the same incidents.

The technician's notes are kept (even on the incident that left her sight); her reassignments, made
against a state that no longer holds, are refused by the server and show in her Errors with the reason.
"""

from __future__ import annotations

from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.sync.dtos import OutboxState
from tests.e2e.harness import FIELD_SERVICES, SERVICE_DESK, assert_converged, server_view


def test_a_supervisor_reassigns_while_the_technician_works_offline(server, farm, clients) -> None:
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    bob.sync()
    # The supervisor dispatches two incidents to Alice.
    field, to_alice = bob.group(FIELD_SERVICES), bob.agent("alice")
    stays = bob.context.incidents.create(
        IncidentDraft(description="Printer jams on floor 3", group_id=field, assignee_id=to_alice)
    ).value
    leaves = bob.context.incidents.create(
        IncidentDraft(description="Badge reader at gate 2", group_id=field, assignee_id=to_alice)
    ).value
    bob.sync()
    alice.sync()
    assert alice.context.incidents.count() == 2

    # Alice, offline: works both incidents, then hands each back to the group queue.
    for incident, what in ((stays, "pickup roller"), (leaves, "reader board")):
        alice.context.incidents.add_note(incident.id, f"Replaced the {what}")
        alice.context.incidents.add_note(incident.id, f"Tested the {what}: fine")
        alice.context.incidents.assign(incident.id, group_id=field, assignee_id=None)
    alice.context.incidents.update(stays.id, IncidentPatch(workaround="Feed paper by hand"))
    # Meanwhile the supervisor gives one to Carol, and takes the other to his own desk.
    bob.context.incidents.assign(stays.id, group_id=field, assignee_id=bob.agent("carol"))
    bob.context.incidents.assign(leaves.id, group_id=bob.group(SERVICE_DESK), assignee_id=bob.agent("bob"))
    bob.sync()
    report = alice.sync()

    assert (report.rejected, report.conflicts) == (2, 0)
    refused = alice.context.sync.errors()
    assert sorted((item.name, item.entity_id, item.error_code) for item in refused) == sorted(
        [("reassign", stays.id, "permission_denied"), ("reassign", leaves.id, "permission_denied")]
    )
    assert all(item.error_reason for item in refused)
    assert alice.context.sync.status().errors == 2

    everything = assert_converged(server, farm, alice, bob)

    kept, gone = everything[stays.id], everything[leaves.id]
    assert (kept["assignee_id"], kept["group_id"]) == (bob.agent("carol"), field)
    assert (gone["assignee_id"], gone["group_id"]) == (bob.agent("bob"), bob.group(SERVICE_DESK))
    assert kept["workaround"] == "Feed paper by hand"
    assert sorted(body for _, _, body in kept["notes"]) == [
        "Replaced the pickup roller",
        "Tested the pickup roller: fine",
    ]
    assert sorted(body for _, _, body in gone["notes"]) == [
        "Replaced the reader board",
        "Tested the reader board: fine",
    ]
    # The incident that left her groups is gone from Alice's client (a tombstone), her notes on it are not.
    assert leaves.id not in server_view(server, "alice")
    assert alice.context.incidents.count() == 1
    applied = [item.name for item in alice.outbox() if item.state == OutboxState.APPLIED and item.wire_seq]
    assert sorted(applied).count("add_note") == 4
