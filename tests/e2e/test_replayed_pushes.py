"""Duplicated and replayed pushes, sent by hand: the server answers from its stored results, acts once.

The client numbers its mutations as its engine would (``next_batch``), the test sends them over plain
``requests`` (twice in a row, twice at once, an old batch after newer ones, an overlapping one), and the
client, which heard none of those answers, then syncs normally and gets the same stored results.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.domain.enums import Status
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.push_results import next_batch
from tests.e2e.harness import (
    FIELD_SERVICES,
    E2EClient,
    WireSession,
    assert_converged,
    server_cursor,
    server_entities,
)


def take_batch(client: E2EClient, after: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """What the engine sends next, numbered with wire seqs in the client's database, as JSON; without the
    mutations numbered before (``after``: the previous batch), which are still pending here."""
    with client.context.sync.store.write() as scope:
        batch = next_batch(scope, 1000, None)
    newer = [mutation.model_dump(mode="json") for mutation in batch if not after or mutation.seq > after[-1]["seq"]]
    assert newer, "nothing new to send"
    return newer


def test_duplicated_and_replayed_pushes_return_the_stored_results_with_no_second_effect(server, farm, clients) -> None:
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    bob.sync()
    group = alice.group(FIELD_SERVICES)
    incident = alice.context.incidents.create(IncidentDraft(description="Scanner offline", group_id=group)).value
    alice.context.incidents.add_note(incident.id, "Checked the cable")
    first = take_batch(alice)
    alice.context.incidents.update(incident.id, IncidentPatch(title="Scanner: network port dead"))
    alice.context.incidents.add_note(incident.id, "Patched to another port")
    second = take_batch(alice, first)
    alice.context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    alice.context.incidents.add_note(incident.id, "Waiting for the switch config")
    third = take_batch(alice, second)
    wire = WireSession(server.url, "alice", client_id=alice.client_id)
    body = {"client_id": str(alice.client_id)}

    answer = wire.push(first)
    after_first = server_cursor(server)
    duplicate = wire.push(first)

    assert [r["outcome"] for r in answer["results"]] == ["applied"] * len(first)
    assert duplicate == answer | {"server_time": duplicate["server_time"]}  # the same stored results
    assert server_cursor(server) == after_first  # nothing written the second time

    with ThreadPoolExecutor(2) as pool:  # the same request twice at once: one applies, one waits and replays
        both = list(pool.map(lambda _: wire.push_raw(body | {"mutations": second}), range(2)))
    assert [r.status_code for r in both] == [200, 200]
    assert both[0].json()["results"] == both[1].json()["results"]
    assert [r["outcome"] for r in both[0].json()["results"]] == ["applied"] * len(second)
    after_second = server_cursor(server)
    assert after_second > after_first

    replay = wire.push(first)  # an old batch after newer ones
    assert replay["results"] == answer["results"]
    assert replay["last_seq"] == second[-1]["seq"]  # the high-water mark, not the replayed batch's end
    overlap = wire.push(second[1:] + third)  # the tail of an old batch, then new mutations
    assert overlap["results"][: len(second) - 1] == both[0].json()["results"][1:]
    assert [r["outcome"] for r in overlap["results"][len(second) - 1 :]] == ["applied"] * len(third)
    assert server_cursor(server) > after_second
    settled = server_cursor(server)
    assert (
        wire.push(first + second + third)["results"]
        == answer["results"] + both[0].json()["results"] + overlap["results"][len(second) - 1 :]
    )
    assert server_cursor(server) == settled
    with WireSession(server.url, "bob") as intruder:  # another user's login cannot replay Alice's client
        refused = intruder.push_raw(body | {"mutations": first})
    assert refused.status_code == 403
    wire.close()

    # Alice heard none of those answers: her sync sends everything again and takes the stored results.
    report = alice.sync()

    assert (report.applied, report.rejected, report.conflicts) == (len(first) + len(second) + len(third), 0, 0)
    assert {item.state for item in alice.outbox() if item.wire_seq} == {OutboxState.APPLIED}
    everything = assert_converged(server, farm, alice, bob)
    assert list(everything) == [incident.id]
    final = everything[incident.id]
    assert (final["title"], final["status"]) == ("Scanner: network port dead", Status.IN_PROGRESS.value)
    assert sorted(body for _, _, body in final["notes"]) == [
        "Checked the cable",
        "Patched to another port",
        "Waiting for the switch config",
    ]
    audit = [(e["mutation_id"], e["field"]) for e in server_entities(server, "root", "audit")]
    assert len(audit) == len(set(audit))  # no field change recorded twice
    assert [field for _, field in audit].count("title") == 1
    assert [field for _, field in audit].count("status") == 1
