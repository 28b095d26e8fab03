"""Incident numbers: leased blocks keep the client's numbers, anything else is renumbered, never a duplicate."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from central_server.models import Incident
from tests.server.harness import incident_payload


def _lease(client, size=10):
    response = client.http.post(
        "/sync/numbers", json={"client_id": str(client.client_id), "size": size}, headers=client.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _create(client, number):
    return client.push_one("create_incident", uuid.uuid4(), incident_payload(number=number))


def test_blocks_do_not_overlap_and_numbers_in_them_are_kept(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")

    first, second = _lease(alice, 10), _lease(bob, 5)
    kept = _create(alice, first["start"] + 3)

    assert (first["start"], first["end"]) == (1, 10)
    assert (second["start"], second["end"]) == (11, 15)
    assert kept["outcome"] == "applied"
    assert "number" not in kept["assigned"]
    with server.ctx.sessions() as session:
        assert session.scalar(select(Incident.number)) == first["start"] + 3


def test_numbers_outside_the_clients_blocks_or_already_used_are_reassigned(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")
    alice_block, bob_block = _lease(alice, 10), _lease(bob, 10)

    own = _create(alice, alice_block["start"])
    bobs_number = _create(alice, bob_block["start"])  # not leased to alice
    standalone = _create(alice, 999)  # from the client's own sequence before it connected
    reused = _create(alice, alice_block["start"])  # already taken
    no_number = _create(alice, None)

    assert "number" not in own["assigned"]
    renumbered = [r["assigned"]["number"] for r in (bobs_number, standalone, reused, no_number)]
    assert renumbered == [21, 22, 23, 24]  # after both blocks: never inside anyone's block
    with server.ctx.sessions() as session:
        numbers = list(session.scalars(select(Incident.number)))
    assert sorted(numbers) == [1, 21, 22, 23, 24]


def test_two_clients_pushing_at_once_never_get_the_same_number(server):
    clients = [server.user_client("agent") for _ in range(2)]
    blocks = [_lease(client, 5) for client in clients]

    def work(index: int) -> list[int]:
        client, block = clients[index], blocks[index]
        # Each uses its block, then two more numbers than it holds, and one number of the other's block.
        wanted = [*range(block["start"], block["end"] + 1), None, None, blocks[1 - index]["start"]]
        results = [_create(client, number) for number in wanted]
        return [r["assigned"].get("number", w) for r, w in zip(results, wanted, strict=True)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        numbers = [n for batch in pool.map(work, range(2)) for n in batch]

    assert len(numbers) == 16
    assert len(set(numbers)) == 16
    with server.ctx.sessions() as session:
        assert sorted(session.scalars(select(Incident.number))) == sorted(numbers)


def test_leasing_for_another_users_client_is_refused(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")

    response = bob.http.post("/sync/numbers", json={"client_id": str(alice.client_id), "size": 5}, headers=bob.headers)

    assert response.status_code == 403
