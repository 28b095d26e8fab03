"""Sync test support: a client marked as connected (no server needed), wire builders, and applying them.

- ``connected``: the ``context`` fixture's client with a server configured in its sync state (as a
  login would leave it, without a server), a leased block INC-000100..149 and ``bootstrap_done``.
- ``server_incident(context, incident_id, **changes)``: the wire ``data`` the server would send for a
  local incident, with ``changes`` applied (as if someone else edited it on the server).
- ``pull(context, *changes)``: applies changes the way a pulled page is applied (one transaction).
- ``answer(context, outcome=..., **result fields)``: records the server's answer to every pending
  mutation, as a push would (wire seqs given first).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.context import AppContext
from desktop_app.models import DeviceState, Incident, NumberBlock, OutboxEntry
from desktop_app.sync.apply import ChangeApplier
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.push_results import next_batch, record_results
from desktop_app.sync.store import state_row
from desktop_app.sync.wire import incident_wire
from sync_protocol.schemas import Change, MutationResult, PushResponse

SERVER_URL = "https://helpdesk.example.test"


def connect_locally(
    context: AppContext, *, blocks: tuple[tuple[int, int], ...] = ((100, 149),), bootstrap_done: bool = True
) -> None:
    with context.sync.store.write() as scope:
        row = state_row(scope.session)
        device = scope.session.get(DeviceState, 1)
        assert device is not None
        row.server_url, row.username, row.user_id, row.role = SERVER_URL, "tester", device.local_agent_id, "technician"
        row.bootstrap_done = bootstrap_done
        for start, end in blocks:
            scope.session.add(NumberBlock(start=start, end=end, next=start, leased_at=scope.now))


@pytest.fixture
def connected(context: AppContext) -> AppContext:
    connect_locally(context)
    return context


def server_incident(context: AppContext, incident_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    with context.sync.store.read() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        data = incident_wire(incident)
    return data | {key: _wire(value) for key, value in changes.items()}


def _wire(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


_counter = iter(range(1, 10**9))


def change(entity: str, data: dict[str, Any] | None, *, op: str = "upsert", entity_id: Any = None) -> Change:
    identifier = entity_id or (data or {})["id"]
    return Change(counter=next(_counter), entity=entity, entity_id=identifier, op=op, data=data)


def pull(context: AppContext, *changes: Change) -> list[str]:
    with context.sync.store.write() as scope:
        applier = ChangeApplier(scope.session, scope.now)
        applier.apply(list(changes))
        applier.finish()
        return applier.warnings


def pending_entries(context: AppContext) -> list[OutboxEntry]:
    with context.sync.store.read() as session:
        stmt = select(OutboxEntry).where(OutboxEntry.state == OutboxState.PENDING).order_by(OutboxEntry.seq)
        return list(session.scalars(stmt))


def answer(
    context: AppContext, *, outcome: str = "applied", only: set[str] | None = None, **fields: Any
) -> list[MutationResult]:
    """The server's answer, the same for every pending mutation (of the names in ``only``, if given).

    Batches end after a directory create that later entries refer to (push_results), so this loops.
    """
    answered: list[MutationResult] = []
    for _ in range(100):
        with context.sync.store.write() as scope:
            batch = next_batch(scope, 1000, None)
        if not batch:
            return answered
        now = context.clock()
        results = [
            MutationResult(
                mutation_id=m.mutation_id,
                seq=m.seq,
                outcome=outcome if only is None or m.name in only else "applied",
                server_time=now,
                **(fields if only is None or m.name in only else {}),
            )
            for m in batch
        ]
        response = PushResponse(last_seq=batch[-1].seq, results=results, server_time=now)
        with context.sync.store.write() as scope:
            record_results(scope, response, batch, None, resending=False)
        answered += results
    raise AssertionError("the outbox never emptied")


def outbox_states(context: AppContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in context.sync.outbox():
        counts[item.state.value] = counts.get(item.state.value, 0) + 1
    return counts
