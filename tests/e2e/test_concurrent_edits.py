"""Two clients edit one incident offline, then sync in both orders.

The same field: one final value whichever syncs first (the higher HLC wins), the loser gets a conflict
record holding what they typed, and restoring it brings it back everywhere. Different fields: both
kept, no conflict.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.models import OutboxEntry
from desktop_app.sync.dtos import OutboxState
from tests.e2e.harness import FIELD_SERVICES, E2EClient, assert_converged

ORDERS = ("alice first", "bob first")


def _stamp(client: E2EClient, incident: uuid.UUID) -> tuple[str, str]:
    """(hlc, client id) of the client's newest title edit of the incident: what the server orders by."""
    with client.context.sync.store.read() as session:
        hlc = session.scalars(
            select(OutboxEntry.hlc)
            .where(OutboxEntry.entity_id == incident, OutboxEntry.name == "update_fields")
            .order_by(OutboxEntry.seq.desc())
        ).first()
    assert hlc is not None
    return hlc, str(client.client_id)


def _sync(order: str, alice: E2EClient, bob: E2EClient) -> None:
    first, second = (alice, bob) if order == "alice first" else (bob, alice)
    first.sync()
    second.sync()


def test_the_same_field_edited_offline_on_two_clients_converges_in_both_orders(server, farm, clients) -> None:
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    group = alice.group(FIELD_SERVICES)
    incidents = [
        alice.context.incidents.create(
            IncidentDraft(description=f"Laptop will not boot ({order})", group_id=group)
        ).value.id
        for order in ORDERS
    ]
    alice.sync()
    bob.sync()

    winners = {}
    for incident, order in zip(incidents, ORDERS, strict=True):
        alice.context.incidents.update(incident, IncidentPatch(title=f"Alice: disk failure ({order})"))
        bob.context.incidents.update(incident, IncidentPatch(title=f"Bob: BIOS password ({order})"))
        alice_wins = _stamp(alice, incident) > _stamp(bob, incident)
        winners[incident] = ("alice", "bob") if alice_wins else ("bob", "alice")
        _sync(order, alice, bob)

    everything = assert_converged(server, farm, alice, bob)

    by_name = {"alice": alice, "bob": bob}
    typed = {"alice": "Alice: disk failure", "bob": "Bob: BIOS password"}
    for incident, order in zip(incidents, ORDERS, strict=True):
        winner, loser = winners[incident]
        assert everything[incident]["title"] == f"{typed[winner]} ({order})"
        # The loser's conflict record holds what they typed; the winner is told too (PROTOCOL v1.1).
        [lost] = [c for c in by_name[loser].context.sync.conflicts() if c.incident_id == incident]
        assert (lost.field, lost.winner) == ("title", "theirs")
        assert (lost.mine, lost.theirs) == (f"{typed[loser]} ({order})", f"{typed[winner]} ({order})")
        [won] = [c for c in by_name[winner].context.sync.conflicts() if c.incident_id == incident]
        assert (won.field, won.winner, won.mine) == ("title", "mine", f"{typed[winner]} ({order})")

    # Nothing typed is lost: each loser restores theirs, and every client ends with it.
    for incident in incidents:
        loser = by_name[winners[incident][1]]
        [lost] = [c for c in loser.context.sync.conflicts() if c.incident_id == incident]
        loser.context.sync.resolve_conflict(lost.id, "restore_mine")
    restored = assert_converged(server, farm, alice, bob)
    for incident, order in zip(incidents, ORDERS, strict=True):
        assert restored[incident]["title"] == f"{typed[winners[incident][1]]} ({order})"
        assert all(c.resolution_sent for c in by_name[winners[incident][1]].context.sync.conflicts(True))


def test_different_fields_edited_offline_on_two_clients_are_both_kept_in_both_orders(server, farm, clients) -> None:
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    group = alice.group(FIELD_SERVICES)
    incidents = [
        alice.context.incidents.create(IncidentDraft(description=f"Wi-Fi drops ({order})", group_id=group)).value.id
        for order in ORDERS
    ]
    alice.sync()
    bob.sync()

    for incident, order in zip(incidents, ORDERS, strict=True):
        alice.context.incidents.update(incident, IncidentPatch(title=f"East wing Wi-Fi ({order})"))
        alice.context.incidents.add_note(incident, f"Access point 3 reboots ({order})")
        bob.context.incidents.update(incident, IncidentPatch(impact=1, urgency=2, workaround="Use the cable"))
        bob.context.incidents.add_note(incident, f"Called the vendor ({order})")
        _sync(order, alice, bob)

    everything = assert_converged(server, farm, alice, bob)

    for incident, order in zip(incidents, ORDERS, strict=True):
        final = everything[incident]
        assert (final["title"], final["impact"], final["urgency"], final["priority"], final["workaround"]) == (
            f"East wing Wi-Fi ({order})",
            1,
            2,
            "P2",
            "Use the cable",
        )
        assert sorted(body for _, _, body in final["notes"]) == [
            f"Access point 3 reboots ({order})",
            f"Called the vendor ({order})",
        ]
    assert alice.context.sync.conflicts() == bob.context.sync.conflicts() == []
    for each in (alice, bob):
        assert {item.state for item in each.outbox() if item.wire_seq} == {OutboxState.APPLIED}
