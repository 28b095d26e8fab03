"""The attachment byte channel: which blobs to upload, resumable chunked uploads, ranged downloads."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from central_server.api.deps import ActorDep, ContextDep
from central_server.services import blobs
from central_server.services.blob_storage import storage_for
from central_server.services.errors import RequestRefusedError
from sync_protocol.blobs import BlobQuery, BlobsMissing, UploadStart, UploadState

router = APIRouter(prefix="/blobs", tags=["attachments"])


@router.post("/missing")
def blobs_missing(body: BlobQuery, ctx: ContextDep, actor: ActorDep) -> BlobsMissing:
    return blobs.missing(ctx, actor, body)


@router.post("/uploads", responses={413: {"description": "too_large"}})
def start_upload(body: UploadStart, ctx: ContextDep, actor: ActorDep) -> UploadState:
    return blobs.start_upload(ctx, actor, body)


@router.get("/uploads/{upload_id}", responses={404: {"description": "not your upload, or finished"}})
def upload_offset(upload_id: uuid.UUID, ctx: ContextDep, actor: ActorDep) -> UploadState:
    return blobs.upload_state(ctx, actor, upload_id)


@router.patch(
    "/uploads/{upload_id}",
    responses={
        409: {"description": "offset_mismatch: `offset` beside detail says where to send from"},
        422: {"description": "chunk_checksum_mismatch (resend the chunk) or blob_checksum_mismatch (from 0)"},
    },
)
async def upload_chunk(
    upload_id: uuid.UUID,
    request: Request,
    ctx: ContextDep,
    actor: ActorDep,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
    chunk_sha256: Annotated[str, Header(alias="Chunk-SHA256")],
) -> UploadState:
    data = await _body(request, ctx.settings.upload_chunk_max_bytes)
    chunk = blobs.Chunk(offset=upload_offset, sha256=chunk_sha256, data=data)
    return await run_in_threadpool(blobs.append_chunk, ctx, actor, upload_id, chunk)


async def _body(request: Request, limit: int) -> bytes:
    """The chunk, whole or not at all: a connection dropped mid-chunk writes nothing."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestRefusedError(413, "too_large", f"A chunk may carry at most {limit} bytes.")
    received = bytearray()
    async for piece in request.stream():
        received += piece
        if len(received) > limit:
            raise RequestRefusedError(413, "too_large", f"A chunk may carry at most {limit} bytes.")
    return bytes(received)


@router.get("/{sha256}", responses={206: {"description": "the range asked for"}, 404: {"description": "not yours"}})
def download_blob(
    sha256: str, ctx: ContextDep, actor: ActorDep, range_header: Annotated[str | None, Header(alias="Range")] = None
) -> StreamingResponse:
    size = blobs.may_download(ctx, actor, sha256)
    wanted = blobs.parse_range(range_header, size)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Length": str(wanted.length),
        "ETag": f'"{sha256}"',
        "Cache-Control": "private, max-age=31536000, immutable",  # content-addressed: never changes
        # Bytes to save, never a page to render: a browser must not sniff an uploaded file into HTML.
        "Content-Disposition": f'attachment; filename="{sha256}"',
        "X-Content-Type-Options": "nosniff",
    }
    if wanted.partial:
        headers["Content-Range"] = f"bytes {wanted.start}-{wanted.start + wanted.length - 1}/{size}"
    return StreamingResponse(
        storage_for(ctx.settings).read(sha256, wanted.start, wanted.length),
        status_code=206 if wanted.partial else 200,
        media_type="application/octet-stream",
        headers=headers,
    )
