"""An incident leaves a technician's sight and comes back: its notes and history come back with it.

Pull renders each change row with the user's visibility at pull time, so while the incident was routed
away Carol got tombstones for its notes and audit entries, and her cursor moved past them. When the
supervisor hands it back to her group, the reassignment must bring those entries again, not only the
incident (found by the state machine in test_sync_state_machine: "carol differs from the server", her
copy without Alice's note).
"""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.domain.dtos import IncidentDraft
from desktop_app.models import AuditEvent
from tests.e2e.harness import FIELD_SERVICES, SERVICE_DESK, assert_converged, client_states, server_entities


def test_an_incident_routed_away_and_back_brings_its_notes_and_history(server, farm, clients) -> None:
    alice, carol, bob = clients("alice", server), clients("carol", server), clients("bob", server)
    for each in (alice, carol, bob):
        each.sync()
    field = alice.group(FIELD_SERVICES)
    incident = alice.context.incidents.create(IncidentDraft(description="Printer down", group_id=field)).value
    alice.sync()
    carol.sync()
    bob.sync()
    assert incident.id in client_states(carol)

    # Alice routes it to the Service Desk and notes why: Carol may no longer see it.
    alice.context.incidents.assign(incident.id, group_id=alice.group(SERVICE_DESK), assignee_id=None)
    alice.context.incidents.add_note(incident.id, "Called the user")
    alice.sync()
    carol.sync()  # the incident, its note and its history go out to her as tombstones
    assert incident.id not in client_states(carol)

    # The supervisor takes it and puts it back in Field Services: Carol sees it again, note and all.
    bob.sync()
    bob.context.incidents.assign(incident.id, group_id=bob.group(FIELD_SERVICES), assignee_id=bob.agent("bob"))
    bob.sync()
    carol.sync()

    mine = client_states(carol)[incident.id]
    assert [body for _, _, body in mine["notes"]] == ["Called the user"]
    with carol.context.sync.store.read() as session:
        history = set(session.scalars(select(AuditEvent.id).where(AuditEvent.incident_id == incident.id)))
    server_history = {
        str(event["id"])
        for event in server_entities(server, "carol", "audit")
        if event["incident_id"] == str(incident.id)
    }
    assert {str(event_id) for event_id in history} == server_history

    assert_converged(server, farm, alice, carol, bob)
