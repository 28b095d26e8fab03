"""The sync endpoints: push, pull, bootstrap, number blocks, conflicts."""

from __future__ import annotations

import os
import sys
import threading
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel

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

# --- a fault-injection hook for the end-to-end tests (tests/e2e) ---------------------------------
# Off unless HELPDESK_SERVER_FAULT is set. With HELPDESK_SERVER_FAULT=crash_after_commit and
# HELPDESK_SERVER_FAULT_AFTER=N (default 1), the process ends with os._exit(1) right after the N-th
# push that carried mutations has committed them (each in its own transaction, with its stored
# result and last_seq), and BEFORE the response is sent: the "answer lost after commit" case that
# PROTOCOL.md "Push" answers with the stored results on the client's retry. Never set it in production.
FAULT_ENV = "HELPDESK_SERVER_FAULT"
FAULT_AFTER_ENV = "HELPDESK_SERVER_FAULT_AFTER"
CRASH_AFTER_COMMIT = "crash_after_commit"
_fault_lock = threading.Lock()  # push runs on the thread pool; the count is per process


def _after_push_committed(request: Request) -> None:
    if os.environ.get(FAULT_ENV) != CRASH_AFTER_COMMIT:
        return
    with _fault_lock:
        done = getattr(request.app.state, "fault_pushes_committed", 0) + 1
        request.app.state.fault_pushes_committed = done
        if done >= int(os.environ.get(FAULT_AFTER_ENV) or 1):
            sys.stderr.write(f"{FAULT_ENV}={CRASH_AFTER_COMMIT}: exiting after committed push {done}\n")
            sys.stderr.flush()
            os._exit(1)


def _json(model: BaseModel) -> Response:
    """The model as JSON, once: returned as a model, FastAPI would validate it again before dumping it."""
    return Response(content=model.model_dump_json(), media_type="application/json")


@router.post(
    "/push", response_model=PushResponse, responses={409: {"description": "seq_gap: resend from last_seq + 1"}}
)
def push_mutations(
    body: PushRequest,
    ctx: ContextDep,
    actor: ActorDep,
    request: Request,
    x_client_time: Annotated[str | None, Header()] = None,
) -> Response:
    response = push.push(ctx, actor, body, _client_time(x_client_time))
    if body.mutations:
        _after_push_committed(request)
    return _json(response)


def _client_time(header: str | None) -> datetime | None:
    """The device's clock from ``X-Client-Time`` (ISO 8601; no zone: UTC); None when absent or unreadable,
    so an old client, or one that sends nonsense, gets only the cap at the server's now."""
    if not header:
        return None
    try:
        stamp = datetime.fromisoformat(header.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


@router.get(
    "/pull",
    response_model=PullResponse,
    responses={410: {"description": "cursor_expired: bootstrap again, keep the outbox"}},
)
def pull_changes(
    ctx: ContextDep,
    actor: ActorDep,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    settings = ctx.settings
    size = min(limit or settings.pull_limit_default, settings.pull_limit_max)
    return _json(pull.pull(ctx, actor, cursor, size))


@router.get("/bootstrap", response_model=BootstrapPage)
def bootstrap_page(
    ctx: ContextDep,
    actor: ActorDep,
    page: str | None = None,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    settings = ctx.settings
    size = min(limit or settings.bootstrap_limit_default, settings.bootstrap_limit_max)
    return _json(bootstrap.bootstrap_page(ctx, actor, page, size))


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
