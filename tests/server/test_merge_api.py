"""Per-field merge through the API: the same final state whichever client syncs first; losers see a conflict."""

from __future__ import annotations

import uuid

import pytest

from central_server.domain.priority import PRIORITY_GROUP
from central_server.models import Incident
from tests.server.harness import incident_payload

# Both in the server's past (its clock starts at TEST_START): an HLC from its future is capped at its now.
HLC_EARLY = "001772441000000-000000"
HLC_LATE = "001772441999000-000000"


def _two_offline_edits(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")
    incident_id, _ = alice.create_incident(title="Printer jams")
    return alice, bob, incident_id


def _conflicts(client):
    response = client.get("/sync/conflicts")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("first", ["winner", "loser"])
def test_same_field_from_two_clients_converges_and_the_loser_sees_a_conflict(server, first):
    alice, bob, incident_id = _two_offline_edits(server)
    winner_edit = lambda: alice.update(incident_id, {"title": "Alice's title"}, {"title": "Printer jams"}, hlc=HLC_LATE)  # noqa: E731
    loser_edit = lambda: bob.update(incident_id, {"title": "Bob's title"}, {"title": "Printer jams"}, hlc=HLC_EARLY)  # noqa: E731

    results = [winner_edit(), loser_edit()] if first == "winner" else [loser_edit(), winner_edit()]

    assert alice.incident(incident_id)["title"] == bob.incident(incident_id)["title"] == "Alice's title"
    second = results[1]
    assert second["outcome"] == "conflict"
    [conflict] = second["conflicts"]
    assert conflict["field"] == "title"
    assert conflict["base"] == "Printer jams"
    assert conflict["winner"] == ("theirs" if first == "winner" else "mine")
    # Whoever synced first, Bob's inbox holds his lost title and Alice's value as the winner.
    [bobs] = _conflicts(bob)
    assert (bobs["mine"], bobs["theirs"], bobs["winner"]) == ("Bob's title", "Alice's title", "theirs")
    assert bobs["user_id"] == str(bob.user_id)
    # Both sides are told, whichever synced first: Alice's inbox holds the same race from her side.
    [alices] = _conflicts(alice)
    assert (alices["mine"], alices["theirs"], alices["winner"]) == ("Alice's title", "Bob's title", "mine")
    assert alices["user_id"] == str(alice.user_id)


def test_different_fields_from_two_clients_are_both_kept_without_conflict(server):
    alice, bob, incident_id = _two_offline_edits(server)

    first = alice.update(incident_id, {"title": "New title"}, {"title": "Printer jams"}, hlc=HLC_LATE)
    second = bob.update(incident_id, {"urgency": 1, "priority": "P2"}, {"urgency": 2, "priority": "P3"}, hlc=HLC_EARLY)

    assert first["outcome"] == second["outcome"] == "applied"
    state = alice.incident(incident_id)
    assert (state["title"], state["urgency"], state["priority"]) == ("New title", 1, "P2")
    assert state["version"] == 3
    assert _conflicts(alice) == _conflicts(bob) == []


def test_the_same_value_from_two_clients_is_no_conflict(server):
    alice, bob, incident_id = _two_offline_edits(server)

    alice.update(incident_id, {"workaround": "Use floor 2"}, {"workaround": None})
    second = bob.update(incident_id, {"workaround": "Use floor 2"}, {"workaround": None})

    assert second["outcome"] == "applied"
    assert second["conflicts"] == []
    assert alice.incident(incident_id)["workaround"] == "Use floor 2"


def test_an_edit_made_after_seeing_the_other_is_applied_even_with_an_older_clock(server):
    alice, bob, incident_id = _two_offline_edits(server)
    alice.update(incident_id, {"title": "Alice's title"}, {"title": "Printer jams"}, hlc=HLC_LATE)

    # Bob pulled Alice's title and edits it; his clock is behind, but his base is the current value.
    result = bob.update(incident_id, {"title": "Bob's fix"}, {"title": "Alice's title"}, hlc=HLC_EARLY)

    assert result["outcome"] == "applied"
    assert bob.incident(incident_id)["title"] == "Bob's fix"


def test_merge_keeps_the_type_of_each_field(server):
    alice, _bob, incident_id = _two_offline_edits(server)

    result = alice.update(
        incident_id,
        {"occurred_at": "2026-03-01T10:00:00+01:00", "is_drill": True},
        {"occurred_at": "2026-03-02T08:30:00+00:00", "is_drill": False},
    )

    assert result["outcome"] == "applied"
    state = alice.incident(incident_id)
    assert state["occurred_at"] == "2026-03-01T09:00:00+00:00"
    assert state["is_drill"] is True


def test_a_base_the_server_would_not_accept_as_a_value_is_still_compared_not_refused(server):
    alice, _bob, incident_id = _two_offline_edits(server)
    server.clock.advance(minutes=1)  # later than the create, by the server's clock too

    result = alice.update(incident_id, {"title": "Fresh title"}, {"title": ""})

    assert result["outcome"] == "conflict"  # "" is not what the server holds: a race, not an invalid request
    assert result["conflicts"][0]["winner"] == "mine"
    assert alice.incident(incident_id)["title"] == "Fresh title"


# --- impact, urgency, priority, override reason: one field group (v1.1) --------------------------------

GROUP_START = {"impact": 2, "urgency": 2, "priority": "P3", "priority_override_reason": None}


def _group(client, incident_id):
    state = client.incident(incident_id)
    return {name: state[name] for name in PRIORITY_GROUP}


def _group_stamps(server, incident_id):
    with server.ctx.sessions() as session:
        stamps = session.get(Incident, incident_id).field_stamps
    return {name: stamps[name]["hlc"] for name in PRIORITY_GROUP}


def test_the_server_derives_priority_from_impact_and_urgency_unless_overridden(server):
    alice, _bob, incident_id = _two_offline_edits(server)

    urgent = alice.update(incident_id, {"urgency": 1}, {"urgency": 2})
    after_urgent = _group(alice, incident_id)
    made_up = alice.update(incident_id, {"priority": "P5"}, {"priority": "P2"})
    override = alice.update(
        incident_id,
        {"priority": "P1", "priority_override_reason": "VIP"},
        {"priority": "P2"} | {"priority_override_reason": None},
    )
    calmer = alice.update(incident_id, {"urgency": 3, "priority": "P1"}, {"urgency": 1, "priority": "P1"})
    after_calmer = _group(alice, incident_id)
    cleared = alice.update(incident_id, {"priority_override_reason": None}, {"priority_override_reason": "VIP"})

    assert (urgent["outcome"], urgent["assigned"]) == ("applied", {"priority": "P2"})  # it sent no priority
    assert after_urgent == GROUP_START | {"urgency": 1, "priority": "P2"}
    assert (made_up["outcome"], made_up["assigned"]) == ("applied", {"priority": "P2"})  # no reason: the matrix's
    assert (override["assigned"], calmer["assigned"]) == ({}, {})
    assert after_calmer == {"impact": 2, "urgency": 3, "priority": "P1", "priority_override_reason": "VIP"}
    assert cleared["assigned"] == {"priority": "P4"}
    assert _group(alice, incident_id) == {"impact": 2, "urgency": 3, "priority": "P4", "priority_override_reason": None}
    assert len(set(_group_stamps(server, incident_id).values())) == 1  # one HLC for the group


def test_a_new_incident_gets_the_matrix_priority_unless_overridden(server):
    agent = server.user_client("agent")

    derived = agent.push_one("create_incident", uuid.uuid4(), incident_payload(impact=1, urgency=1, priority="P4"))
    kept = agent.push_one(
        "create_incident",
        uuid.uuid4(),
        incident_payload(impact=3, urgency=3, priority="P1", priority_override_reason="Board meeting"),
    )

    assert (derived["outcome"], derived["assigned"]["priority"]) == ("applied", "P1")
    assert kept["outcome"] == "applied"
    assert "priority" not in kept["assigned"]


@pytest.mark.parametrize("first", ["alice", "bob"])
def test_concurrent_priority_group_writes_merge_as_one_unit_in_either_order(server, first):
    alice, bob, incident_id = _two_offline_edits(server)

    def alice_overrides():  # the later clock: her group wins whole
        payload = {"priority": "P1", "priority_override_reason": "VIP caller"}
        return alice.update(incident_id, payload, GROUP_START, hlc=HLC_LATE)

    def bob_lowers_impact():  # a v1.1 client: the base of all four, the changed ones in the payload
        return bob.update(incident_id, {"impact": 3, "priority": "P4"}, GROUP_START, hlc=HLC_EARLY)

    results = [alice_overrides(), bob_lowers_impact()] if first == "alice" else [bob_lowers_impact(), alice_overrides()]

    # Never Bob's impact with Alice's override: the group travels whole.
    expected = {"impact": 2, "urgency": 2, "priority": "P1", "priority_override_reason": "VIP caller"}
    assert _group(alice, incident_id) == _group(bob, incident_id) == expected
    assert results[1]["outcome"] == "conflict"
    assert {c["field"] for c in results[1]["conflicts"]} == {"impact", "priority", "priority_override_reason"}
    bobs = {c["field"]: c for c in _conflicts(bob)}
    alices = {c["field"]: c for c in _conflicts(alice)}
    assert set(bobs) == set(alices) == {"impact", "priority", "priority_override_reason"}
    assert {c["winner"] for c in bobs.values()} == {"theirs"}
    assert {c["winner"] for c in alices.values()} == {"mine"}
    assert (bobs["impact"]["mine"], bobs["impact"]["theirs"], bobs["priority"]["mine"]) == (3, 2, "P4")


def test_disjoint_priority_edits_from_one_client_apply_one_after_another(server):
    alice, _bob, incident_id = _two_offline_edits(server)

    first = alice.update(incident_id, {"impact": 1, "priority": "P2"}, GROUP_START)
    second = alice.update(incident_id, {"urgency": 1, "priority": "P1"}, GROUP_START | {"impact": 1, "priority": "P2"})

    assert first["outcome"] == second["outcome"] == "applied"
    assert _group(alice, incident_id) == {"impact": 1, "urgency": 1, "priority": "P1", "priority_override_reason": None}
