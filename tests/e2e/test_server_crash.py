"""The server dies after committing a push and before answering it (the fault hook in central_server/api/sync.py).

The client never hears the answer; the server is restarted; the client's next sync sends the same mutations
under the same seqs and gets the stored results: every change takes effect exactly once.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from central_server.models import Client as ServerClient
from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.domain.sync_errors import ServerUnreachable
from desktop_app.sync.dtos import OutboxState
from tests.e2e.harness import FIELD_SERVICES, assert_converged, server_entities, server_log, server_view

FAULT = {"HELPDESK_SERVER_FAULT": "crash_after_commit", "HELPDESK_SERVER_FAULT_AFTER": "2"}


def test_a_server_killed_after_commit_and_before_answering_applies_every_change_once(
    farm, clients, monkeypatch
) -> None:
    monkeypatch.setattr("desktop_app.sync.engine.PUSH_BATCH", 4)  # Alice's push goes in two batches
    server = farm.start(**FAULT)
    alice, bob = clients("alice", server), clients("bob", server)
    assert (alice.sync().pushed, bob.sync().pushed) == (0, 0)  # the hook counts pushes that carry mutations
    group = bob.group(FIELD_SERVICES)
    shared = bob.context.incidents.create(IncidentDraft(description="Router in the depot reboots", group_id=group))
    assert bob.sync().pushed == 1  # push 1
    alice.sync()

    # Alice, offline: three new incidents with notes, an edit and a note on Bob's.
    mine = []
    for n in range(3):
        logged = alice.context.incidents.create(IncidentDraft(description=f"Site visit {n}", group_id=group)).value
        alice.context.incidents.add_note(logged.id, f"Parts ordered for site {n}")
        mine.append(logged)
    alice.context.incidents.update(shared.value.id, IncidentPatch(title="Depot router: bad PSU"))
    alice.context.incidents.add_note(shared.value.id, "Swapped the power supply")
    sent = len(alice.pending())
    assert sent == 8

    with pytest.raises(ServerUnreachable):
        alice.sync()  # push 2, her first batch: committed, then the process exits before answering

    assert server.process is not None
    assert server.process.wait(30) == 1
    assert "crash_after_commit: exiting after committed push 2" in server_log(server)
    assert len(alice.pending()) == sent
    in_flight = [item for item in alice.pending() if item.wire_seq is not None]  # sent, answer never heard
    assert len(in_flight) == 4
    with farm.db() as session:
        committed = session.scalar(select(ServerClient.last_seq).where(ServerClient.id == alice.client_id))
    assert committed == max(item.wire_seq or 0 for item in in_flight)

    farm.restart(server)  # the fault switched off
    # Meanwhile the server's state moves on: the stored answers must not be worked out again.
    bob.context.incidents.update(shared.value.id, IncidentPatch(description="Reboots every hour since Monday"))
    bob.sync()
    report = alice.sync()  # the first batch again (stored results), then the second

    assert (report.applied, report.rejected, report.conflicts) == (sent, 0, 0)
    assert alice.pending() == []
    assert {item.state for item in alice.outbox() if item.wire_seq} == {OutboxState.APPLIED}
    everything = assert_converged(server, farm, alice, bob)
    assert set(everything) == {shared.value.id, *(m.id for m in mine)}
    assert sum(len(state["notes"]) for state in everything.values()) == 4
    assert {everything[m.id]["number"] for m in mine} == {m.number for m in mine}  # the leased numbers stand
    final = everything[shared.value.id]
    assert (final["title"], final["description"]) == ("Depot router: bad PSU", "Reboots every hour since Monday")
    # Exactly once in the audit trail too: one title change, one "created" per new incident.
    audit = server_entities(server, "root", "audit")
    alice_mutations = {str(item.mutation_id) for item in alice.outbox() if item.wire_seq}
    entries = [(e["mutation_id"], e["field"]) for e in audit if e["mutation_id"] in alice_mutations]
    assert len(entries) == len(set(entries))
    assert sum(1 for _, name in entries if name == "title") == 1
    assert sum(1 for _, name in entries if name == "created") == 3
    assert server_view(server, "alice") == server_view(server, "root")  # all in her group: she sees everything
