"""Wire shapes of the attachment byte channel (PROTOCOL.md "Attachments"): which blobs the server lacks,
resumable chunked uploads, ranged downloads."""

from __future__ import annotations

import uuid

from pydantic import Field

from sync_protocol.schemas import WireModel

SHA256_PATTERN = r"^[0-9a-f]{64}$"
Sha256 = str
# Headers of a chunk: where it starts (must equal the server's offset) and the sha256 of its bytes.
UPLOAD_OFFSET_HEADER = "Upload-Offset"
CHUNK_SHA256_HEADER = "Chunk-SHA256"


class BlobQuery(WireModel):
    sha256: list[str] = Field(max_length=1000)


class BlobsMissing(WireModel):
    missing: list[str]  # of those asked, the ones this user must upload


class UploadStart(WireModel):
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=1)


class UploadState(WireModel):
    upload_id: uuid.UUID | None  # None once complete (nothing left to send)
    sha256: str
    size: int
    offset: int  # bytes the server holds; the next chunk starts here
    complete: bool
    chunk_max: int  # the largest chunk the server accepts, in bytes
