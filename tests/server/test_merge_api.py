"""Per-field merge through the API: the same final state whichever client syncs first; losers see a conflict."""

from __future__ import annotations

import pytest

HLC_EARLY = "001772442000000-000000"
HLC_LATE = "001772442999000-000000"


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

    result = alice.update(incident_id, {"title": "Fresh title"}, {"title": ""}, hlc=HLC_LATE)

    assert result["outcome"] == "conflict"  # "" is not what the server holds: a race, not an invalid request
    assert result["conflicts"][0]["winner"] == "mine"
    assert alice.incident(incident_id)["title"] == "Fresh title"
