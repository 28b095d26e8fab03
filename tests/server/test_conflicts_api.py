"""The conflicts inbox: list, keep theirs, restore mine (a new change, audited), only one's own."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from central_server.models import AuditEvent, MutationLogEntry

# Both in the server's past (its clock starts at TEST_START): an HLC from its future is capped at its now.
LATE, EARLY = "001772441999000-000000", "001772441000000-000000"


def _lost_title(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")
    incident_id, _ = alice.create_incident(title="Old")
    alice.update(incident_id, {"title": "Alice"}, {"title": "Old"}, hlc=LATE)
    bob.update(incident_id, {"title": "Bob"}, {"title": "Old"}, hlc=EARLY)
    [conflict] = bob.get("/sync/conflicts").json()
    return alice, bob, incident_id, conflict


def _resolve(client, conflict_id, resolution):
    return client.http.post(
        f"/sync/conflicts/{conflict_id}/resolve", json={"resolution": resolution}, headers=client.headers
    )


def test_keep_theirs_resolves_without_changing_the_incident(server):
    alice, bob, incident_id, conflict = _lost_title(server)

    response = _resolve(bob, conflict["id"], "kept_theirs")

    assert response.status_code == 200
    assert response.json()["resolution"] == "kept_theirs"
    assert response.json()["resolved_at"] is not None
    assert bob.get("/sync/conflicts").json() == []
    assert alice.incident(incident_id)["title"] == "Alice"


def test_restore_mine_writes_the_losing_value_back_as_a_new_audited_change(server):
    alice, bob, _incident_id, conflict = _lost_title(server)
    _, cursor = alice.pull_all()

    response = _resolve(bob, conflict["id"], "restored_mine")
    changes, _ = alice.pull_all(cursor)

    assert response.status_code == 200
    assert response.json()["resolution"] == "restored_mine"
    [incident] = [c["data"] for c in changes if c["entity"] == "incident"]
    assert incident["title"] == "Bob"
    [audit] = [c["data"] for c in changes if c["entity"] == "audit"]
    assert (audit["field"], audit["old_value"], audit["new_value"]) == ("title", "Alice", "Bob")
    assert audit["actor_id"] == str(bob.user_id)
    with server.ctx.sessions() as session:
        tail = session.scalars(select(MutationLogEntry).order_by(MutationLogEntry.position.desc())).first()
        events = session.scalars(select(AuditEvent).where(AuditEvent.field == "title")).all()
    assert tail.name == "resolve_conflict:restored_mine"
    assert tail.user_id == bob.user_id
    assert [e.new_value for e in events] == ["Alice", "Bob"]


def test_a_restored_value_is_an_ordinary_write_for_later_merges(server):
    alice, bob, incident_id, conflict = _lost_title(server)
    _resolve(bob, conflict["id"], "restored_mine")

    # Alice, who had not seen the restore, writes again with a later clock: LWW decides, and Bob is told.
    # (The restore is stamped at the server's now, counter 0; hers is later but not in the server's future.)
    stale = alice.update(incident_id, {"title": "Alice again"}, {"title": "Alice"}, hlc="001772442000000-000001")

    assert stale["outcome"] == "conflict"
    assert stale["conflicts"][0]["winner"] == "mine"
    assert alice.incident(incident_id)["title"] == "Alice again"
    [told] = bob.get("/sync/conflicts").json()
    assert (told["mine"], told["theirs"], told["winner"]) == ("Bob", "Alice again", "theirs")


def test_only_the_owner_resolves_and_a_second_resolution_is_refused(server):
    alice, bob, _incident_id, conflict = _lost_title(server)

    foreign = _resolve(alice, conflict["id"], "kept_theirs")
    unknown = _resolve(bob, uuid.uuid4(), "kept_theirs")
    first = _resolve(bob, conflict["id"], "kept_theirs")
    retried = _resolve(bob, conflict["id"], "kept_theirs")
    changed_mind = _resolve(bob, conflict["id"], "restored_mine")

    assert foreign.status_code == unknown.status_code == 404
    assert first.status_code == retried.status_code == 200
    assert changed_mind.status_code == 409
    assert changed_mind.json()["detail"]["code"] == "already_resolved"


def test_restoring_one_field_of_a_priority_group_race_restores_the_whole_losing_group(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")
    incident_id, _ = alice.create_incident()
    start = {"impact": 2, "urgency": 2, "priority": "P3", "priority_override_reason": None}
    alice.update(incident_id, {"priority": "P1", "priority_override_reason": "VIP caller"}, start, hlc=LATE)
    bob.update(incident_id, {"impact": 3, "priority": "P4"}, start, hlc=EARLY)
    records = {c["field"]: c for c in bob.get("/sync/conflicts").json()}

    response = _resolve(bob, records["impact"]["id"], "restored_mine")

    assert response.status_code == 200
    assert set(records) == {"impact", "priority", "priority_override_reason"}
    state = alice.incident(incident_id)
    # Bob's whole group, consistent: not his impact under Alice's override.
    assert {k: state[k] for k in start} == {
        "impact": 3,
        "urgency": 2,
        "priority": "P4",
        "priority_override_reason": None,
    }
    assert bob.get("/sync/conflicts").json() == []  # the siblings were resolved with it
    changes, _ = bob.pull_all()
    resolved = {c["data"]["field"]: c["data"]["resolution"] for c in changes if c["entity"] == "conflict"}
    assert resolved == dict.fromkeys(records, "restored_mine")
