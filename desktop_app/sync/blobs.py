"""The attachment byte channel of the client (PROTOCOL.md "Attachments").

Uploads: before each push, the blobs of pending ``attach_file`` mutations that the server says this user
lacks are sent in chunks, each with its sha256, from the offset the server holds: an upload cut off (a
dropped connection, a killed client) resumes there. An ``attach_file`` whose blob is not up yet is held
back from the push (``UploadRound.hold``); one whose blob cannot be uploaded at all (the local file is
gone or damaged, the server refuses its size) is not, so it never blocks the outbox.

Downloads, on demand: ranged pieces into ``blobs/.downloads/<sha256>.part``, resumed from the bytes
already there, verified against the sha256 before the blob store keeps them.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from desktop_app.capture.blob_store import BlobStore
from desktop_app.domain.errors import NotFoundError
from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.models import OutboxEntry
from desktop_app.sync.dtos import OutboxState, SyncProgress
from desktop_app.sync.http import ApiClient
from desktop_app.sync.store import SyncStore
from sync_protocol.blobs import (
    CHUNK_SHA256_HEADER,
    UPLOAD_OFFSET_HEADER,
    BlobQuery,
    BlobsMissing,
    UploadStart,
    UploadState,
)

# Tests make chunks small so that an upload has many of them; the server's chunk_max caps it anyway.
ENV_CHUNK_BYTES = "HELPDESK_UPLOAD_CHUNK_BYTES"
DEFAULT_CHUNK_BYTES = 1024 * 1024
MAX_RETRIES_PER_CHUNK = 5
SHA256 = re.compile(r"[0-9a-f]{64}")
Report = Callable[[SyncProgress], None]


class BlobRefusedError(Exception):
    """This blob cannot be uploaded at all: its attach_file goes without it (the server waits for the bytes)."""


@dataclass
class UploadRound:
    """What one round's uploads left: blobs the server holds for us, blobs given up, entries held back."""

    ready: set[str] = field(default_factory=set)
    given_up: dict[str, str] = field(default_factory=dict)
    held: set[uuid.UUID] = field(default_factory=set)

    def hold(self, entry: OutboxEntry) -> bool:
        """True for an ``attach_file`` whose blob is not on the server yet (made after this round's uploads)."""
        sha256 = entry.payload.get("sha256")
        if entry.name != "attach_file" or not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            return False  # nothing to wait for (a malformed one is the server's to refuse)
        if sha256 in self.ready or sha256 in self.given_up:
            return False
        self.held.add(entry.id)
        return True


@dataclass(frozen=True)
class Refusal:
    code: str | None
    body: dict[str, Any]


def chunk_bytes_from_environment() -> int:
    raw = os.environ.get(ENV_CHUNK_BYTES, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_CHUNK_BYTES


class BlobChannel:
    def __init__(self, store: SyncStore, blobs: BlobStore, chunk_bytes: int | None = None) -> None:
        self.store = store
        self.blobs = blobs
        self.chunk_bytes = chunk_bytes or chunk_bytes_from_environment()
        self._downloading: dict[str, threading.Lock] = {}
        self._downloading_lock = threading.Lock()

    # --- uploads -------------------------------------------------------------------------

    def pending_uploads(self) -> dict[str, str]:
        """sha256 → display name, for every attach_file still waiting in the outbox."""
        with self.store.read() as session:
            payloads = session.scalars(
                select(OutboxEntry.payload)
                .where(OutboxEntry.state == OutboxState.PENDING, OutboxEntry.name == "attach_file")
                .order_by(OutboxEntry.seq)
            )
            return {
                str(p["sha256"]): str(p.get("display_name") or p["sha256"][:12]) for p in payloads if p.get("sha256")
            }

    def upload_pending(self, api: ApiClient, report: Report, warnings: list[str]) -> UploadRound:
        """Upload every blob a pending attach_file needs and the server lacks (for this user)."""
        wanted = self.pending_uploads()
        done = UploadRound()
        if not wanted:
            return done
        missing: set[str] = set()
        names = list(wanted)
        for start in range(0, len(names), 1000):
            response = api.authorized("POST", "/blobs/missing", json_body=BlobQuery(sha256=names[start : start + 1000]))
            api.raise_for_status(response)
            missing.update(BlobsMissing.model_validate(response.json()).missing)
        done.ready.update(sha for sha in wanted if sha not in missing)
        for sha256 in (sha for sha in wanted if sha in missing):
            label = wanted[sha256]
            try:
                self.upload(api, sha256, report, label)
            except BlobRefusedError as refused:
                done.given_up[sha256] = str(refused)
                warnings.append(f"{label}: {refused} The attachment is sent without its file for now.")
                continue
            done.ready.add(sha256)
        return done

    def upload(self, api: ApiClient, sha256: str, report: Report, label: str | None = None) -> None:
        """Send one blob from the offset the server holds; each chunk carries its sha256."""
        if not self.blobs.has(sha256):
            raise BlobRefusedError("The file is no longer in this computer's attachment store.")
        size = self.blobs.size(sha256)
        state = self._start(api, sha256, size)
        retries = 0
        with self.blobs.open(sha256) as source:
            while not state.complete:
                report(SyncProgress("upload", state.offset, size, sha256, label))
                assert state.upload_id is not None
                source.seek(state.offset)
                chunk = source.read(min(self.chunk_bytes, state.chunk_max))
                if not chunk:
                    raise BlobRefusedError("The stored file is shorter than it was; it cannot be sent.")
                answer = self._send_chunk(api, state, chunk)
                if isinstance(answer, UploadState):
                    state, retries = answer, 0
                    continue
                retries += 1
                if retries > MAX_RETRIES_PER_CHUNK:
                    raise ProtocolError(f"The server kept refusing parts of {label or sha256}; it is tried later.")
                state = self._after_refusal(api, state, answer, sha256)
        report(SyncProgress("upload", size, size, sha256, label))

    def _start(self, api: ApiClient, sha256: str, size: int) -> UploadState:
        response = api.authorized("POST", "/blobs/uploads", json_body=UploadStart(sha256=sha256, size=size))
        if response.status_code == 413:
            raise BlobRefusedError(f"The server does not accept a file this large ({size:,} bytes).")
        api.raise_for_status(response)
        return UploadState.model_validate(response.json())

    def _send_chunk(self, api: ApiClient, state: UploadState, chunk: bytes) -> UploadState | Refusal:
        """The server's new state, or a refusal worth retrying."""
        headers = {
            UPLOAD_OFFSET_HEADER: str(state.offset),
            CHUNK_SHA256_HEADER: hashlib.sha256(chunk).hexdigest(),
            "Content-Type": "application/octet-stream",
        }
        response = api.authorized("PATCH", f"/blobs/uploads/{state.upload_id}", data=chunk, headers=headers)
        code, body = _error(response)
        if response.status_code == 200:
            return UploadState.model_validate(response.json())
        if (response.status_code, code) in {
            (409, "offset_mismatch"),
            (422, "chunk_checksum_mismatch"),
            (422, "blob_checksum_mismatch"),
            (404, "not_found"),
        }:
            return Refusal(code, body)
        if response.status_code == 413:
            raise BlobRefusedError("The server refused a part of the file as too large.")
        api.raise_for_status(response)
        raise ProtocolError(f"The server answered an upload with HTTP {response.status_code}.")

    def _after_refusal(self, api: ApiClient, state: UploadState, refusal: Refusal, sha256: str) -> UploadState:
        code, body = refusal.code, refusal.body
        if code == "offset_mismatch" and isinstance(body.get("offset"), int):
            return state.model_copy(update={"offset": int(body["offset"])})  # resume where the server is
        if code == "chunk_checksum_mismatch":
            return state  # damaged on the way: the same chunk again
        if code == "blob_checksum_mismatch" and _file_sha256(self.blobs.path_for(sha256)) != sha256:
            raise BlobRefusedError("The stored file is damaged (its bytes no longer match its checksum).")
        return self._start(api, sha256, state.size)  # the upload was reset or is gone: ask where to begin

    # --- downloads -----------------------------------------------------------------------

    def download(self, api: ApiClient, sha256: str, report: Report, label: str | None = None) -> Path:
        """The blob's local path, fetched in ranged pieces if it is not here; resumes a cut download.
        One download per blob at a time (a second request for it waits, then finds it here)."""
        with self._downloading_lock:
            lock = self._downloading.setdefault(sha256, threading.Lock())
        with lock:
            return self._download(api, sha256, report, label)

    def _download(self, api: ApiClient, sha256: str, report: Report, label: str | None) -> Path:
        target = self.blobs.path_for(sha256)
        if target.is_file():
            return target
        part = self.blobs.root / ".downloads" / f"{sha256}.part"
        part.parent.mkdir(parents=True, exist_ok=True)
        offset = part.stat().st_size if part.exists() else 0
        total: int | None = None
        while total is None or offset < total:
            end = offset + self.chunk_bytes - 1
            response = api.authorized("GET", f"/blobs/{sha256}", headers={"Range": f"bytes={offset}-{end}"})
            if response.status_code == 404:
                raise NotFoundError(
                    f"The server has no file {label or sha256} for you "
                    "(not uploaded yet, removed, or on an incident you do not see)."
                )
            if response.status_code == 416 and offset > 0:
                total = offset  # the part already holds every byte
                break
            api.raise_for_status(response)
            offset, total = _append_piece(part, response, offset)
            report(SyncProgress("download", offset, total, sha256, label))
        if _file_sha256(part) != sha256:
            part.unlink(missing_ok=True)
            raise ProtocolError(f"The downloaded {label or sha256} does not match its checksum; it was discarded.")
        self.blobs.put_file(part)
        part.unlink(missing_ok=True)
        return target


def _append_piece(part: Path, response: requests.Response, offset: int) -> tuple[int, int]:
    """Write a 206 piece at ``offset`` (or a whole 200 body from 0); the new offset and the blob's size."""
    if response.status_code == 206:
        first, _, total = response.headers.get("Content-Range", "").removeprefix("bytes ").partition("/")
        start = int(first.split("-")[0]) if first else -1
        if start != offset or not total.isdigit():
            raise ProtocolError("The server answered a ranged download with another range than asked.")
        size = int(total)
    else:
        offset, size = 0, len(response.content)
    with part.open("r+b" if part.exists() else "wb") as out:
        out.seek(offset)
        out.write(response.content)
        out.truncate()
        out.flush()
        os.fsync(out.fileno())
    return offset + len(response.content), size


def _error(response: requests.Response) -> tuple[str | None, dict[str, Any]]:
    if response.status_code < 400:
        return None, {}
    try:
        body = response.json()
    except ValueError:
        return None, {}
    if not isinstance(body, dict):
        return None, {}
    detail = body.get("detail")
    return (detail.get("code") if isinstance(detail, dict) else None), body


def _file_sha256(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
