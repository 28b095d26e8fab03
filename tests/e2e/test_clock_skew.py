"""Device clocks are reported, never trusted: a clock a day fast, one that jumps back a day.

Alice's clock runs a day fast; Bob's is right, then jumps back a day in the middle of his offline work;
Carol's is right. Each phase is the same offline work on a new incident, synced in opposite orders.
Each push reports the device's clock (X-Client-Time), and the server corrects each HLC by that offset
and caps it at its own now (PROTOCOL.md "Clock skew"): the edit made later in real time wins, whatever
the device clocks said, in both orders alike. The server keeps the HLC and device time as sent beside
its own time.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from central_server.models import MutationLogEntry
from desktop_app.domain.clock import utc_now
from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.models import OutboxEntry
from desktop_app.sync.wire import parse_time
from tests.e2e.harness import (
    FIELD_SERVICES,
    E2EClient,
    SkewedClock,
    assert_converged,
    server_entities,
    wait_for,
)

DAY = timedelta(days=1)
SLACK = timedelta(minutes=10)
# Real time between the fast clock's edit and the right clock's: far more than a push's latency, which is
# what the server's offset measurement is off by.
GAP = timedelta(seconds=1)


def _offline_work(fast: E2EClient, normal: E2EClient, jumper: E2EClient, incident: uuid.UUID, phase: int) -> None:
    """In real-time order: the fast clock edits the description; the jumper the title; the right clock
    both; then the jumper's clock jumps back a day and it edits the title again."""
    assert isinstance(jumper.clock, SkewedClock)
    jumper.clock.offset = timedelta(0)  # set right again (NTP) before this phase
    fast.context.incidents.update(incident, IncidentPatch(description=f"fast description {phase}"))
    fast.context.incidents.add_note(incident, f"Note from the future {phase}")
    jumper.context.incidents.update(incident, IncidentPatch(title=f"jumper title A{phase}"))
    before = utc_now()
    wait_for(lambda: utc_now() - before >= GAP, "the wall clock to move on")
    normal.context.incidents.update(
        incident, IncidentPatch(title=f"normal title {phase}", description=f"normal description {phase}")
    )
    jumper.clock.offset = -DAY
    jumper.context.incidents.update(incident, IncidentPatch(title=f"jumper title B{phase}"))


def _writes(clients: tuple[E2EClient, ...], incident: uuid.UUID, field: str) -> list[tuple[str, str, str]]:
    """Every offline write of ``field`` on the incident: (hlc, client id, value)."""
    return [
        (item_hlc(each, item.mutation_id), str(each.client_id), item.payload[field])
        for each in clients
        for item in each.outbox()
        if item.name == "update_fields" and item.entity_id == incident and field in item.payload
    ]


def item_hlc(client: E2EClient, mutation_id: uuid.UUID) -> str:
    with client.context.sync.store.read() as session:
        return session.scalars(select(OutboxEntry.hlc).where(OutboxEntry.mutation_id == mutation_id)).one()


def test_skewed_clocks_give_the_same_final_state_whichever_syncs_first(server, farm, clients) -> None:
    fast = clients("alice", server, name="fast", clock=SkewedClock(DAY))
    normal = clients("carol", server, name="normal")
    jumper = clients("bob", server, name="jumper", clock=SkewedClock())
    everyone = (fast, normal, jumper)
    for each in everyone:
        each.sync()
    group = normal.group(FIELD_SERVICES)
    incidents = []
    for phase, order in ((1, (fast, jumper, normal)), (2, (normal, jumper, fast))):
        incident = normal.context.incidents.create(IncidentDraft(description="Clock test", group_id=group)).value.id
        normal.sync()
        fast.sync()
        jumper.sync()
        _offline_work(fast, normal, jumper, incident, phase)
        for each in order:
            each.sync()
        incidents.append(incident)

    everything = assert_converged(server, farm, *everyone)

    finals = [everything[incident] for incident in incidents]
    # The same winner in both orders, the edit made last in real time: the right clock's description (the
    # day-fast one was made earlier, however far ahead its HLC), and the jumper's title written after its
    # clock jumped back a day (its HLC stalled at its last wall time, which the server moves forward by
    # the day its clock now reports behind, to the server's now: later than the right clock's title).
    assert [(f["title"], f["description"]) for f in finals] == [
        ("jumper title B1", "normal description 1"),
        ("jumper title B2", "normal description 2"),
    ]
    jumper_hlcs = {value: hlc for hlc, _, value in _writes((jumper,), incidents[0], "title")}
    assert jumper_hlcs["jumper title A1"] < jumper_hlcs["jumper title B1"]  # written later, ordered later
    # Uncorrected, the fast clock's description would have won: its HLC is a day ahead of everyone's.
    for incident in incidents:
        assert max(_writes(everyone, incident, "description"))[2].startswith("fast description")

    # The losers see it, and nothing typed is lost: every value is in the audit trail or a conflict record.
    lost = {
        (c.incident_id, c.field, c.mine)
        for each in everyone
        for c in each.context.sync.conflicts()
        if c.winner == "theirs"
    }
    assert {(i, "title", f"normal title {n}") for n, i in enumerate(incidents, 1)} <= lost
    assert {(i, "description", f"fast description {n}") for n, i in enumerate(incidents, 1)} <= lost
    audit = server_entities(server, "root", "audit")
    kept = {e["new_value"] for e in audit} | {
        value for each in everyone for c in each.context.sync.conflicts() for value in (c.mine, c.theirs)
    }
    for phase in (1, 2):
        typed = {f"fast description {phase}", f"normal description {phase}", f"normal title {phase}"}
        assert typed | {f"jumper title A{phase}", f"jumper title B{phase}"} <= kept

    # Both times in the server's audit: device time as reported, server time its own.
    now = utc_now()
    by_mutation = {str(item.mutation_id): each for each in everyone for item in each.outbox()}
    skews = {"fast": [], "jumper": []}
    for entry in audit:
        writer = by_mutation.get(entry["mutation_id"] or "")
        if writer is None or writer.name not in skews:
            continue
        device, served = parse_time(entry["device_time"]), parse_time(entry["server_time"])
        assert abs(served - now) < SLACK
        skews[writer.name].append(device - served)
    assert skews["fast"]
    assert all(abs(skew - DAY) < SLACK for skew in skews["fast"])
    assert any(abs(skew + DAY) < SLACK for skew in skews["jumper"])  # the title written after the jump
    with farm.db() as session:
        logged = session.execute(
            select(MutationLogEntry.device_time, MutationLogEntry.server_time, MutationLogEntry.hlc).where(
                MutationLogEntry.client_id == fast.client_id
            )
        ).all()
    assert logged
    assert all(abs(parse_time(d) - parse_time(s) - DAY) < SLACK for d, s, _ in logged)
    # The log keeps the HLC as the device sent it (a day ahead); only the merge used the corrected one.
    sent_hlcs = {item_hlc(fast, item.mutation_id) for item in fast.outbox() if item.wire_seq is not None}
    assert {hlc for _, _, hlc in logged if hlc} <= sent_hlcs
    assert all(
        abs(datetime.fromtimestamp(int(hlc[:15]) / 1000, UTC) - parse_time(s) - DAY) < SLACK
        for _, s, hlc in logged
        if hlc
    )
    # The server does not take a device's future for a fact: the note it stores is not from tomorrow.
    notes = [n for n in server_entities(server, "root", "note") if n["body"].startswith("Note from the future")]
    assert len(notes) == 2
    assert all(parse_time(n["created_at"]) <= now for n in notes)
