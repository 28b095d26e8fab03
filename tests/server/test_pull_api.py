"""Pull over the gap-free change counter, tombstones by visibility, cursor expiry, paged bootstrap."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from central_server.models import Change


def _counters(server) -> list[int]:
    with server.ctx.sessions() as session:
        return list(session.scalars(select(Change.counter).order_by(Change.counter)))


def test_pull_returns_changes_oldest_first_on_a_gap_free_counter_in_pages(server):
    agent = server.user_client("agent")
    ids = [agent.create_incident(title=f"Incident {n}")[0] for n in range(3)]
    agent.update(ids[0], {"title": "Renamed"}, {"title": "Incident 0"})

    first = agent.get("/sync/pull", cursor=0, limit=2).json()
    rest, cursor = agent.pull_all(first["cursor"])
    changes = first["changes"] + rest

    counters = [c["counter"] for c in changes]
    assert first["has_more"] is True
    assert len(first["changes"]) == 2
    assert counters == list(range(1, len(counters) + 1))  # every counter once, in order
    assert counters == _counters(server)
    assert cursor == counters[-1] == server.http.get("/sync/info").json()["cursor"]
    # Each change carries the entity's current state: the first incident's rows already say "Renamed".
    first_incident = [c for c in changes if c["entity"] == "incident" and c["entity_id"] == str(ids[0])]
    assert {c["data"]["title"] for c in first_incident} == {"Renamed"}
    assert agent.get("/sync/pull", cursor=cursor).json() == {"changes": [], "cursor": cursor, "has_more": False}


def test_an_incident_the_user_cannot_see_arrives_as_a_tombstone(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    incident_id, _ = boss.create_incident(group_id=desk)
    note_id = uuid.uuid4()
    boss.push_one("add_note", incident_id, {"note_id": note_id, "kind": "worklog", "body": "Looking"})
    _, cursor = agent.pull_all()
    assert agent.incident(incident_id)["group_id"] == str(desk)

    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": None})
    changes, _ = agent.pull_all(cursor)
    everything, _ = agent.pull_all(0)

    tombstone = [c for c in changes if c["entity"] == "incident"]
    assert tombstone == [
        {
            "counter": tombstone[0]["counter"],
            "entity": "incident",
            "entity_id": str(incident_id),
            "op": "delete",
            "data": None,
        }
    ]
    notes = [c for c in everything if c["entity"] == "note"]
    assert [(n["entity_id"], n["op"]) for n in notes] == [(str(note_id), "delete")]
    assert boss.incident(incident_id)["group_id"] == str(network)  # the supervisor still sees it


def test_conflicts_are_pulled_only_by_the_user_they_concern(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")
    incident_id, _ = alice.create_incident(title="Old")
    alice.update(incident_id, {"title": "A"}, {"title": "Old"}, hlc="001772441999000-000000")
    bob.update(incident_id, {"title": "B"}, {"title": "Old"}, hlc="001772441000000-000000")

    alice_changes, alice_cursor = alice.pull_all()
    bob_changes, bob_cursor = bob.pull_all()

    # Both sides are told (v1.1), each only their own record: Alice's value stood, Bob's lost.
    [alices] = [c["data"] for c in alice_changes if c["entity"] == "conflict"]
    [bobs] = [c["data"] for c in bob_changes if c["entity"] == "conflict"]
    assert (alices["user_id"], alices["mine"], alices["winner"]) == (str(alice.user_id), "A", "mine")
    assert (bobs["user_id"], bobs["mine"], bobs["winner"]) == (str(bob.user_id), "B", "theirs")
    assert alice_cursor == bob_cursor  # skipped rows still move the cursor


def test_a_cursor_ahead_of_the_log_is_expired(server):
    agent = server.user_client("agent")

    response = agent.get("/sync/pull", cursor=10_000)

    assert response.status_code == 410
    assert response.json()["detail"]["code"] == "cursor_expired"


@pytest.fixture
def settings_overrides():
    return {"change_retention": timedelta(minutes=10)}


def test_a_cursor_older_than_the_retained_log_gets_410_and_bootstrap_recovers(server):
    agent = server.user_client("agent")
    old_id, _ = agent.create_incident(title="Old")
    _, early_cursor = agent.pull_all()
    server.clock.advance(minutes=11)
    new_id, _ = agent.create_incident(title="New")

    expired = agent.get("/sync/pull", cursor=0)
    still_good = agent.get("/sync/pull", cursor=early_cursor)
    page = agent.get("/sync/bootstrap").json()

    assert expired.status_code == 410
    assert expired.json()["detail"]["code"] == "cursor_expired"
    assert still_good.status_code == 200
    assert [c["entity_id"] for c in still_good.json()["changes"] if c["entity"] == "incident"] == [str(new_id)]
    incidents = {c["entity_id"] for c in page["entities"] if c["entity"] == "incident"}
    assert incidents == {str(old_id), str(new_id)}
    assert agent.get("/sync/pull", cursor=page["cursor"]).status_code == 200


def test_bootstrap_pages_cover_the_visible_state_exactly_once(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    visible = {boss.create_incident(group_id=desk)[0] for _ in range(4)} | {agent.create_incident()[0]}
    hidden = boss.create_incident(group_id=network)[0]
    for incident_id in visible:
        boss.push_one("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "n"})
    boss.push_one("add_note", hidden, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "secret"})

    pages, token = [], None
    while True:
        response = agent.get("/sync/bootstrap", **({"page": token} if token else {}), limit=3)
        assert response.status_code == 200
        pages.append(response.json())
        token = pages[-1]["next_page"]
        if token is None:
            break

    entities = [e for page in pages for e in page["entities"]]
    keys = [(e["entity"], e["entity_id"]) for e in entities]
    assert len(keys) == len(set(keys))
    assert all(len(page["entities"]) <= 3 for page in pages)
    assert {page["cursor"] for page in pages} == {server.http.get("/sync/info").json()["cursor"]}
    assert {e["entity_id"] for e in entities if e["entity"] == "incident"} == {str(i) for i in visible}
    assert {e["data"]["incident_id"] for e in entities if e["entity"] == "note"} == {str(i) for i in visible}
    assert {e["data"]["name"] for e in entities if e["entity"] == "group"} == {"Service Desk", "Network"}
    assert {e["data"]["username"] for e in entities if e["entity"] == "user"} == {agent.username, boss.username}
    assert all(e["op"] == "upsert" and e["counter"] == pages[0]["cursor"] for e in entities)


def test_a_made_up_page_token_is_refused(server):
    agent = server.user_client("agent")

    response = agent.get("/sync/bootstrap", page="not-a-token")

    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "validation_error"


def test_audit_entries_carry_the_mutation_id_and_field_so_a_client_can_replace_its_own(server):
    agent = server.user_client("agent")
    incident_id, _ = agent.create_incident(title="Old")
    _, cursor = agent.pull_all()
    update = agent.mutation(
        "update_fields", incident_id, {"title": "New", "urgency": 1}, {"title": "Old", "urgency": 2, "version": 1}
    )
    agent.push(update)

    changes, _ = agent.pull_all(cursor)
    bootstrap = agent.get("/sync/bootstrap", limit=1000).json()["entities"]

    pulled = sorted(
        (c["data"]["mutation_id"], c["data"]["field"], c["data"]["new_value"])
        for c in changes
        if c["entity"] == "audit"
    )
    # One entry per (mutation_id, field); the priority the group moved with urgency is the server's own entry.
    assert pulled == [
        (update["mutation_id"], "priority", "P2"),
        (update["mutation_id"], "title", "New"),
        (update["mutation_id"], "urgency", "1"),
    ]
    booted = {(e["data"]["mutation_id"], e["data"]["field"]) for e in bootstrap if e["entity"] == "audit"}
    assert {(m, f) for m, f, _ in pulled} <= booted
    assert all(e["data"]["mutation_id"] for e in bootstrap if e["entity"] == "audit")  # "created" too


def test_an_incident_comes_before_its_notes_and_audit_within_one_write(server):
    """A page boundary may fall anywhere: the incident's row must come before its children's rows."""
    agent = server.user_client("agent")
    incident_id, _ = agent.create_incident(title="Projector in room 4 shows no picture")
    note = agent.push_one("add_note", incident_id, {"note_id": str(uuid.uuid4()), "kind": "worklog", "body": "HDMI"})
    assert note["outcome"] == "applied", note
    changes, _ = agent.pull_all()
    first_incident = next(i for i, c in enumerate(changes) if c["entity"] == "incident")
    children = [i for i, c in enumerate(changes) if c["entity"] in ("note", "audit")]
    assert children, "the create and the note wrote audit entries and a note"
    assert all(i > first_incident for i in children), [c["entity"] for c in changes]
