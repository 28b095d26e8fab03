"""Where the server keeps attachment bytes: content-addressed, behind a small interface.

``LocalBlobStorage`` keeps ``<root>/ab/cd/<sha256>`` and upload parts in ``<root>/.uploads/<id>.part``.
Another backend (S3 and the like: parts as multipart uploads, blobs as objects named by their hash)
implements the same ``BlobStorage`` protocol and is chosen in ``storage_for``; none is built yet.
Every server process behind one database must see the same storage (PROTOCOL.md "Attachments").
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from central_server.settings import ServerSettings

SHA256 = re.compile(r"[0-9a-f]{64}")
READ_CHUNK = 256 * 1024


class OffsetMismatchError(Exception):
    """A chunk that does not start where the part ends; ``offset`` is where it does."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"the part holds {offset} bytes")
        self.offset = offset


class BlobStorage(Protocol):
    def has(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int: ...

    def read(self, sha256: str, start: int, length: int) -> Iterator[bytes]: ...

    def part_size(self, upload_id: uuid.UUID) -> int: ...

    def append_part(self, upload_id: uuid.UUID, offset: int, data: bytes) -> int: ...

    def part_sha256(self, upload_id: uuid.UUID) -> str: ...

    def discard_part(self, upload_id: uuid.UUID) -> None: ...

    def commit_part(self, upload_id: uuid.UUID, sha256: str) -> None: ...


class LocalBlobStorage:
    # Chunks of one upload are appended one at a time in this process (the offset check and the write
    # must not interleave); the client sends them one after another anyway.
    _locks: dict[uuid.UUID, threading.Lock] = {}  # noqa: RUF012 - shared by every instance on purpose
    _locks_guard = threading.Lock()

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _part(self, upload_id: uuid.UUID) -> Path:
        return self.root / ".uploads" / f"{upload_id}.part"

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path_for(sha256).stat().st_size

    def read(self, sha256: str, start: int, length: int) -> Iterator[bytes]:
        with self.path_for(sha256).open("rb") as source:
            source.seek(start)
            left = length
            while left > 0:
                chunk = source.read(min(READ_CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk

    def part_size(self, upload_id: uuid.UUID) -> int:
        try:
            return self._part(upload_id).stat().st_size
        except FileNotFoundError:
            return 0

    def append_part(self, upload_id: uuid.UUID, offset: int, data: bytes) -> int:
        """Append ``data`` if the part holds exactly ``offset`` bytes; fsynced before the new size is returned."""
        path = self._part(upload_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock(upload_id), path.open("ab") as part:
            _lock_file(part.fileno())  # and across the processes that share this directory
            held = part.seek(0, os.SEEK_END)
            if held != offset:
                raise OffsetMismatchError(held)
            part.write(data)
            part.flush()
            os.fsync(part.fileno())
            return part.tell()

    def part_sha256(self, upload_id: uuid.UUID) -> str:
        digest = hashlib.sha256()
        with self._part(upload_id).open("rb") as part:
            for chunk in iter(lambda: part.read(READ_CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def discard_part(self, upload_id: uuid.UUID) -> None:
        with self._lock(upload_id):
            self._part(upload_id).unlink(missing_ok=True)
        self._forget_lock(upload_id)

    def commit_part(self, upload_id: uuid.UUID, sha256: str) -> None:
        """Move a verified part into place under its hash (atomic rename; the same bytes may be there already)."""
        target = self.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._lock(upload_id):
            os.replace(self._part(upload_id), target)
        self._forget_lock(upload_id)
        _fsync_dir(target.parent)

    @classmethod
    def _lock(cls, upload_id: uuid.UUID) -> threading.Lock:
        with cls._locks_guard:
            return cls._locks.setdefault(upload_id, threading.Lock())

    @classmethod
    def _forget_lock(cls, upload_id: uuid.UUID) -> None:
        with cls._locks_guard:
            cls._locks.pop(upload_id, None)


def _lock_file(fd: int) -> None:
    """An exclusive lock held until the file is closed (POSIX; elsewhere the process lock has to do)."""
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def storage_for(settings: ServerSettings) -> BlobStorage:
    """The configured backend: the local directory (the seam for an object store is here)."""
    return LocalBlobStorage(settings.blobs_root)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
