"""The sync endpoints: push, pull, bootstrap, number blocks, conflicts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from central_server.api.deps import ActorDep, ContextDep
from central_server.services import bootstrap, conflicts, numbering, pull, push
from sync_protocol.schemas import (
    BootstrapPage,
    ConflictRecord,
    ConflictResolution,
    NumberBlock,
    NumberBlockRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

router = APIRouter(prefix="/sync", tags=["sync"])


@router.post("/push", responses={409: {"description": "seq_gap: resend from last_seq + 1"}})
def push_mutations(body: PushRequest, ctx: ContextDep, actor: ActorDep) -> PushResponse:
    return push.push(ctx, actor, body)


@router.get("/pull", responses={410: {"description": "cursor_expired: bootstrap again, keep the outbox"}})
def pull_changes(
    ctx: ContextDep,
    actor: ActorDep,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> PullResponse:
    settings = ctx.settings
    size = min(limit or settings.pull_limit_default, settings.pull_limit_max)
    return pull.pull(ctx, actor, cursor, size)


@router.get("/bootstrap")
def bootstrap_page(
    ctx: ContextDep,
    actor: ActorDep,
    page: str | None = None,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> BootstrapPage:
    settings = ctx.settings
    size = min(limit or settings.bootstrap_limit_default, settings.bootstrap_limit_max)
    return bootstrap.bootstrap_page(ctx, actor, page, size)


@router.post("/numbers")
def lease_numbers(body: NumberBlockRequest, ctx: ContextDep, actor: ActorDep) -> NumberBlock:
    return numbering.lease_block(ctx, actor, body)


@router.get("/conflicts")
def list_conflicts(ctx: ContextDep, actor: ActorDep) -> list[ConflictRecord]:
    return conflicts.list_conflicts(ctx, actor)


@router.post("/conflicts/{conflict_id}/resolve", responses={404: {"description": "not in your inbox"}})
def resolve_conflict(
    conflict_id: uuid.UUID, body: ConflictResolution, ctx: ContextDep, actor: ActorDep
) -> ConflictRecord:
    return conflicts.resolve_conflict(ctx, actor, conflict_id, body)
