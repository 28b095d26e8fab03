"""POST /sync/push: each mutation once, in seq order (PROTOCOL.md "Push").

The stored result, the client's ``last_seq`` and the hash-chain entry commit in the same
transaction as the mutation's effect, so a retry after a lost answer gets the same result back and
the effect happens once. A rejection rolls back only the mutation's savepoint. Consecutive mutations
of one request share a transaction, up to ``GROUP_MAX`` of them or ``GROUP_SECONDS`` of work: one
commit (one disk flush) per group rather than per mutation, without holding the write lock so long
that other clients wait.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from central_server.context import ServerContext
from central_server.domain.errors import InvalidValueError, RejectionError
from central_server.domain.hlc import check_hlc, clock_offset_ms
from central_server.domain.permissions import Actor
from central_server.models import Client, PushResult
from central_server.services.audit_chain import LogRecord, append_entries
from central_server.services.clients import owned_client
from central_server.services.errors import RequestRefusedError
from central_server.services.mutations import APPLIERS, Applied, MutationScope
from central_server.services.transaction import WriteUnit, read_session, write_unit
from sync_protocol.schemas import Mutation, MutationResult, PushRequest, PushResponse

# Mutations of one push that share a transaction: at most this many, started within this long.
GROUP_MAX = 50
GROUP_SECONDS = 0.05


def push(ctx: ServerContext, actor: Actor, request: PushRequest, client_time: datetime | None = None) -> PushResponse:
    """``client_time``: the device's clock when it sent the request (header ``X-Client-Time``), if it said:
    each mutation's HLC is corrected by the offset from the server's clock (PROTOCOL.md "Clock skew")."""
    # Measured first, as close to when the device read its clock as the server gets.
    offset_ms = None if client_time is None else clock_offset_ms(client_time, ctx.clock())
    last_seq = _client_last_seq(ctx, actor, request.client_id)
    _check_sequence(request.mutations, last_seq)
    results: list[MutationResult] = []
    pending = list(request.mutations)
    while pending:
        done = _push_group(ctx, actor, request.client_id, pending, last_seq, offset_ms)
        results.extend(done)
        pending = pending[len(done) :]
    with read_session(ctx) as session:
        final_seq = session.scalar(select(Client.last_seq).where(Client.id == request.client_id)) or 0
    return PushResponse(last_seq=final_seq, results=results, server_time=ctx.clock())


def _client_last_seq(ctx: ServerContext, actor: Actor, client_id: uuid.UUID) -> int:
    # Read first: only a client's first push needs a write (its row), and so the write lock.
    with read_session(ctx) as session:
        client = session.get(Client, client_id)
        if client is not None and client.user_id == actor.id:
            return client.last_seq
    with write_unit(ctx, serialise=False) as unit:
        return owned_client(unit.session, client_id, actor, unit.now).last_seq


def _check_sequence(mutations: list[Mutation], last_seq: int) -> None:
    for before, after in itertools.pairwise(mutations):
        if after.seq <= before.seq:
            raise RequestRefusedError(422, "validation_error", "Mutations must be sent in increasing seq order.")
        if after.seq != before.seq + 1:
            raise _seq_gap(before.seq + 1, last_seq)
    if mutations and mutations[0].seq > last_seq + 1:
        raise _seq_gap(last_seq + 1, last_seq)


def _seq_gap(expected: int, last_seq: int) -> RequestRefusedError:
    return RequestRefusedError(
        409,
        "seq_gap",
        f"Expected seq {expected}; the server has everything up to {last_seq}: resend from {last_seq + 1}.",
        extra={"last_seq": last_seq},
    )


def _stored_result(ctx: ServerContext, client_id: uuid.UUID, mutation: Mutation) -> MutationResult | None:
    with read_session(ctx) as session:
        stored = session.get(PushResult, (client_id, mutation.seq))
        return _replay(stored, mutation) if stored else None


def _replay(stored: PushResult, mutation: Mutation) -> MutationResult:
    """The stored result, but only for the same mutation: a client that reuses seqs (restored from an old
    backup under the same client_id) must not take another mutation's result as its own."""
    if stored.mutation_id != mutation.mutation_id:
        raise RequestRefusedError(
            409,
            "seq_reused",
            f"seq {mutation.seq} of this client was already used by mutation {stored.mutation_id}; "
            "this client's history does not match the server's: log in again as a new client.",
        )
    return MutationResult.model_validate(stored.result)


def _push_group(
    ctx: ServerContext,
    actor: Actor,
    client_id: uuid.UUID,
    mutations: list[Mutation],
    known_last_seq: int,
    offset_ms: int | None = None,
) -> list[MutationResult]:
    """Push the first mutations of the list in one transaction; returns their results (at least one)."""
    first = mutations[0]
    if first.seq <= known_last_seq:
        # A replay needs no write lock: answer it from the stored result.
        replayed = _stored_result(ctx, client_id, first)
        if replayed is not None:
            return [replayed]
    started = time.monotonic()
    with write_unit(ctx) as unit:
        client = unit.session.get(Client, client_id)
        assert client is not None  # made by _client_last_seq
        if first.seq <= client.last_seq:  # another request for this client got there first
            stored = unit.session.get(PushResult, (client_id, first.seq))
            if stored is not None:
                return [_replay(stored, first)]
        group = GroupRecords(client.last_seq)
        for mutation in mutations[:GROUP_MAX]:
            if group.results and (mutation.seq <= known_last_seq or time.monotonic() - started > GROUP_SECONDS):
                break  # replays are answered outside the lock; a long group lets other writers in
            _push_one(unit, actor, client_id, mutation, offset_ms, group)
        # The group's bookkeeping in one batch at the end: the client's high-water mark, the stored
        # results, the hash chain. The whole transaction commits or nothing does.
        client.last_seq = group.last_seq
        client.last_seen_at = unit.now
        unit.session.add_all(group.stored)
        append_entries(unit.session, group.log)
        return group.results


@dataclass
class GroupRecords:
    last_seq: int
    results: list[MutationResult] = field(default_factory=list)
    stored: list[PushResult] = field(default_factory=list)
    log: list[LogRecord] = field(default_factory=list)


def _push_one(
    unit: WriteUnit,
    actor: Actor,
    client_id: uuid.UUID,
    mutation: Mutation,
    offset_ms: int | None,
    group: GroupRecords,
) -> None:
    if mutation.seq != group.last_seq + 1:
        raise _seq_gap(group.last_seq + 1, group.last_seq)
    result = _apply(unit, actor, client_id, mutation, offset_ms)
    group.last_seq = mutation.seq
    group.results.append(result)
    stored = PushResult(client_id=client_id, seq=mutation.seq, mutation_id=mutation.mutation_id)
    stored.result = result.model_dump(mode="json")
    group.stored.append(stored)
    scope = MutationScope(unit, actor, client_id, mutation)
    group.log.append(
        LogRecord(
            name=mutation.name,
            outcome=result.outcome,
            server_time=unit.now,
            mutation_id=mutation.mutation_id,
            entity_id=mutation.entity_id,
            client_id=client_id,
            user_id=actor.id,
            seq=mutation.seq,
            hlc=mutation.hlc,  # as the device sent it; the field's stamp holds the corrected one
            code=result.code,
            reason=result.reason,
            device_time=scope.device_time,
        )
    )


def _apply(
    unit: WriteUnit, actor: Actor, client_id: uuid.UUID, mutation: Mutation, offset_ms: int | None
) -> MutationResult:
    scope = MutationScope(unit, actor, client_id, mutation, clock_offset_ms=offset_ms)
    mark = unit.mark()
    savepoint = unit.session.begin_nested()
    try:
        check_hlc(mutation.hlc)
        applier = APPLIERS.get(mutation.name)
        if applier is None:
            raise InvalidValueError(f"This server does not know the mutation {mutation.name!r}.")
        applied: Applied = applier(scope)
        unit.session.flush()
        savepoint.commit()
    except RejectionError as refusal:
        savepoint.rollback()
        unit.restore(mark)
        return MutationResult(
            mutation_id=mutation.mutation_id,
            seq=mutation.seq,
            outcome="rejected",
            code=refusal.code,
            reason=refusal.reason,
            server_time=unit.now,
        )
    return MutationResult(
        mutation_id=mutation.mutation_id,
        seq=mutation.seq,
        outcome=applied.outcome,
        reason=applied.note,
        conflicts=applied.conflicts,
        assigned=applied.assigned,
        server_time=unit.now,
    )
