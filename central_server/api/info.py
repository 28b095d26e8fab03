"""GET /sync/info: who this server is and its newest change counter. No auth."""

from __future__ import annotations

from fastapi import APIRouter

from central_server import __version__
from central_server.api.deps import ContextDep
from central_server.services.transaction import current_counter, read_session
from sync_protocol import PROTOCOL_VERSION
from sync_protocol.schemas import ServerInfo

router = APIRouter(tags=["sync"])


@router.get("/sync/info")
def info(ctx: ContextDep) -> ServerInfo:
    with read_session(ctx) as session:
        cursor = current_counter(session)
    return ServerInfo(
        server_id=ctx.server_id,
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        server_time=ctx.clock(),
        cursor=cursor,
    )
