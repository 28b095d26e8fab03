"""The attachment byte channel (PROTOCOL.md "Attachments"): which blobs a user must upload, resumable
chunked uploads verified chunk by chunk and whole, and who may download what.

A blob counts as present *for a user* only once that user uploaded it: knowing a file's sha256 must
never be enough to attach (and then download) someone else's file. A second user with the same bytes
uploads them too; the server verifies them and keeps one copy.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central_server.context import ServerContext
from central_server.domain.permissions import Actor
from central_server.models import Attachment, Blob, BlobHolder, BlobUpload, Incident
from central_server.services.blob_storage import (
    SHA256,
    BlobStorage,
    OffsetMismatchError,
    storage_for,
)
from central_server.services.errors import RequestRefusedError, not_found
from central_server.services.transaction import read_session, write_unit
from central_server.services.visibility import visible_incidents
from sync_protocol.blobs import BlobQuery, BlobsMissing, UploadStart, UploadState


def _storage(ctx: ServerContext) -> BlobStorage:
    return storage_for(ctx.settings)


def _check_sha(sha256: str) -> str:
    if not SHA256.fullmatch(sha256):
        raise RequestRefusedError(422, "validation_error", f"{sha256!r} is not a lower-case sha256 hex digest.")
    return sha256


def missing(ctx: ServerContext, actor: Actor, query: BlobQuery) -> BlobsMissing:
    wanted = list(dict.fromkeys(_check_sha(sha) for sha in query.sha256))
    if not wanted:
        return BlobsMissing(missing=[])
    storage = _storage(ctx)
    with read_session(ctx) as session:
        held = set(
            session.scalars(
                select(BlobHolder.sha256).where(BlobHolder.user_id == actor.id, BlobHolder.sha256.in_(wanted))
            )
        )
    return BlobsMissing(missing=[sha for sha in wanted if sha not in held or not storage.has(sha)])


def _state(ctx: ServerContext, upload: BlobUpload) -> UploadState:
    offset = _storage(ctx).part_size(upload.id)
    return UploadState(
        upload_id=upload.id,
        sha256=upload.sha256,
        size=upload.size,
        offset=offset,
        complete=False,
        chunk_max=ctx.settings.upload_chunk_max_bytes,
    )


def _complete(ctx: ServerContext, sha256: str, size: int) -> UploadState:
    return UploadState(
        upload_id=None,
        sha256=sha256,
        size=size,
        offset=size,
        complete=True,
        chunk_max=ctx.settings.upload_chunk_max_bytes,
    )


def start_upload(ctx: ServerContext, actor: Actor, body: UploadStart) -> UploadState:
    """The user's upload of this blob: a new one, or the one under way (resume from its offset)."""
    if body.size > ctx.settings.blob_max_bytes:
        raise RequestRefusedError(
            413,
            "too_large",
            f"{body.size} bytes is more than this server accepts for one attachment ({ctx.settings.blob_max_bytes}).",
        )
    if not missing(ctx, actor, BlobQuery(sha256=[body.sha256])).missing:
        return _complete(ctx, body.sha256, body.size)
    prune_stale_uploads(ctx)
    for _attempt in range(2):  # a concurrent start by the same user wins the unique key: read theirs
        try:
            with write_unit(ctx, serialise=False) as unit:
                upload = unit.session.scalar(
                    select(BlobUpload).where(BlobUpload.user_id == actor.id, BlobUpload.sha256 == body.sha256)
                )
                if upload is None:
                    upload = BlobUpload(
                        id=uuid.uuid4(),
                        user_id=actor.id,
                        sha256=body.sha256,
                        size=body.size,
                        created_at=unit.now,
                        updated_at=unit.now,
                    )
                    unit.session.add(upload)
                elif upload.size != body.size:  # the earlier start named another size: start over
                    _storage(ctx).discard_part(upload.id)
                    upload.size, upload.updated_at = body.size, unit.now
                unit.session.flush()
                return _state(ctx, upload)
        except IntegrityError:
            continue
    raise RequestRefusedError(409, "upload_busy", "Another upload of this file is starting; try again.")


def prune_stale_uploads(ctx: ServerContext) -> int:
    """Drop uploads nobody has sent a chunk to for ``upload_retention`` (a client gone for good), parts too."""
    cutoff = ctx.clock() - ctx.settings.upload_retention
    with write_unit(ctx, serialise=False) as unit:
        stale = list(unit.session.scalars(select(BlobUpload).where(BlobUpload.updated_at < cutoff)))
        for upload in stale:
            _storage(ctx).discard_part(upload.id)
            unit.session.delete(upload)
    return len(stale)


def _own_upload(ctx: ServerContext, actor: Actor, upload_id: uuid.UUID) -> BlobUpload:
    with read_session(ctx) as session:
        upload = session.get(BlobUpload, upload_id)
        if upload is None or upload.user_id != actor.id:
            raise not_found("There is no such upload of yours; start it again.")
        session.expunge(upload)
        return upload


def upload_state(ctx: ServerContext, actor: Actor, upload_id: uuid.UUID) -> UploadState:
    return _state(ctx, _own_upload(ctx, actor, upload_id))


@dataclass(frozen=True)
class Chunk:
    offset: int
    sha256: str
    data: bytes


def append_chunk(ctx: ServerContext, actor: Actor, upload_id: uuid.UUID, chunk: Chunk) -> UploadState:
    """Check the chunk's own hash, append it at the server's offset; the last chunk checks the whole blob."""
    upload = _own_upload(ctx, actor, upload_id)
    if not chunk.data:
        raise RequestRefusedError(422, "validation_error", "A chunk carries at least one byte.")
    if hashlib.sha256(chunk.data).hexdigest() != chunk.sha256.lower():
        raise RequestRefusedError(
            422, "chunk_checksum_mismatch", "The chunk's bytes do not match its Chunk-SHA256; send it again."
        )
    if chunk.offset + len(chunk.data) > upload.size:
        raise RequestRefusedError(422, "validation_error", f"The chunk runs past the declared size ({upload.size}).")
    storage = _storage(ctx)
    try:
        held = storage.append_part(upload.id, chunk.offset, chunk.data)
    except OffsetMismatchError as mismatch:
        raise RequestRefusedError(
            409,
            "offset_mismatch",
            f"The server holds {mismatch.offset} bytes of this upload; send from there.",
            extra={"offset": mismatch.offset},
        ) from mismatch
    if held < upload.size:
        with write_unit(ctx, serialise=False) as unit:  # still in use: not pruned as stale
            unit.session.execute(update(BlobUpload).where(BlobUpload.id == upload.id).values(updated_at=unit.now))
        return _state(ctx, upload)
    return _finish(ctx, actor, upload, storage)


def _finish(ctx: ServerContext, actor: Actor, upload: BlobUpload, storage: BlobStorage) -> UploadState:
    if storage.part_sha256(upload.id) != upload.sha256:
        storage.discard_part(upload.id)
        raise RequestRefusedError(
            422,
            "blob_checksum_mismatch",
            "The uploaded bytes do not hash to the sha256 given; the upload starts again from 0.",
            extra={"offset": 0},
        )
    storage.commit_part(upload.id, upload.sha256)
    with write_unit(ctx) as unit:
        session = unit.session
        if session.get(Blob, upload.sha256) is None:
            session.add(Blob(sha256=upload.sha256, size=upload.size, created_at=unit.now))
            session.flush()
        if session.get(BlobHolder, (upload.sha256, actor.id)) is None:
            session.add(BlobHolder(sha256=upload.sha256, user_id=actor.id))
        waiting = session.scalars(
            select(Attachment).where(
                Attachment.sha256 == upload.sha256,
                Attachment.created_by == actor.id,
                Attachment.bytes_ready.is_(False),
            )
        )
        for attachment in waiting:  # pull tells every client the bytes are there now
            attachment.bytes_ready, attachment.size = True, upload.size
            unit.changed("attachment", attachment.id)
        stale = session.get(BlobUpload, upload.id)
        if stale is not None:
            session.delete(stale)
    return _complete(ctx, upload.sha256, upload.size)


def is_holder(session: Session, user_id: uuid.UUID, sha256: str) -> bool:
    """Whether the server holds the blob and this user proved they had it (uploaded it)."""
    return session.get(BlobHolder, (sha256, user_id)) is not None


@dataclass(frozen=True)
class BlobRange:
    start: int
    length: int
    size: int
    partial: bool


def may_download(ctx: ServerContext, actor: Actor, sha256: str) -> int:
    """The blob's size if the actor may read it: they uploaded it, or they see an incident that holds it
    (an attachment not removed, whose creator proved they had the bytes). Otherwise 404, as for no blob."""
    _check_sha(sha256)
    with read_session(ctx) as session:
        blob = session.get(Blob, sha256)
        holder = blob is not None and is_holder(session, actor.id, sha256)
        visible = (
            blob is not None
            and not holder
            and session.scalar(
                select(
                    exists()
                    .where(
                        Attachment.sha256 == sha256,
                        Attachment.bytes_ready.is_(True),
                        Attachment.removed_at.is_(None),
                        Attachment.incident_id == Incident.id,
                    )
                    .where(visible_incidents(actor))
                )
            )
        )
        size = blob.size if blob is not None else 0
    if not (holder or visible) or not _storage(ctx).has(sha256):
        raise not_found("No attachment you may see holds this file (or the server does not have its bytes yet).")
    return size


def parse_range(header: str | None, size: int) -> BlobRange:
    """One ``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` range (RFC 9110); no header: the whole blob."""
    if not header:
        return BlobRange(0, size, size, partial=False)
    unit, _, spec = header.partition("=")
    first, dash, last = spec.strip().partition("-")
    try:
        if unit.strip().lower() != "bytes" or not dash or "," in spec:
            raise ValueError(header)
        if first == "":
            suffix = int(last)
            start, end = max(size - suffix, 0), size - 1
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
    except ValueError as exc:
        raise RequestRefusedError(416, "range_not_satisfiable", f"Cannot serve the range {header!r}.") from exc
    if start < 0 or start >= size or end < start:
        raise RequestRefusedError(
            416,
            "range_not_satisfiable",
            f"The range {header!r} lies outside the {size} bytes of this file.",
            headers={"Content-Range": f"bytes */{size}"},
        )
    return BlobRange(start, end - start + 1, size, partial=True)
