"""Content-addressed blob storage: ``<data dir>/blobs/ab/cd/<sha256>``, written atomically.

Bytes go to a temporary file in the target directory, are fsynced and renamed into place, so a
crash leaves either no blob or a whole one; the name is the content's hash, so the same bytes are
stored once however many incidents attach them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"[0-9a-f]{64}")
_COPY_CHUNK = 1024 * 1024


def blob_root(data_dir: Path) -> Path:
    """``<data dir>/blobs``: where every client keeps attachment bytes."""
    return Path(data_dir) / "blobs"


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path_for(sha256).stat().st_size

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.has(sha256):
            self._write_atomically(sha256, lambda out: out.write(data))
        return sha256

    def put_file(self, path: Path) -> str:
        digest = hashlib.sha256()
        with Path(path).open("rb") as source:
            for chunk in iter(lambda: source.read(_COPY_CHUNK), b""):
                digest.update(chunk)
        sha256 = digest.hexdigest()
        if not self.has(sha256):

            def copy(out: BinaryIO) -> None:
                with Path(path).open("rb") as source:
                    shutil.copyfileobj(source, out, _COPY_CHUNK)

            self._write_atomically(sha256, copy, verify=True)
        return sha256

    def put_stream_verified(self, sha256: str, source: BinaryIO) -> None:
        """Store bytes expected to hash to ``sha256`` (a download); refuse and keep nothing otherwise."""

        def copy(out: BinaryIO) -> None:
            shutil.copyfileobj(source, out, _COPY_CHUNK)

        if not self.has(sha256):
            self._write_atomically(sha256, copy, verify=True)

    def remove(self, sha256: str) -> bool:
        """Delete a blob no row refers to any more; True when something was deleted."""
        try:
            self.path_for(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def _write_atomically(self, sha256: str, write: Callable[[BinaryIO], object], *, verify: bool = False) -> None:
        target = self.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            if verify and _file_sha256(temp) != sha256:
                raise ValueError(f"the bytes written do not hash to {sha256}")
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(_COPY_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open directories, and needs not."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
