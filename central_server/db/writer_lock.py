"""One SQLite writer at a time across threads and processes, waiting in the kernel rather than polling.

SQLite admits one writer; a writer refused by BEGIN IMMEDIATE sleeps in SQLite's busy handler in
growing steps (up to 100 ms) however soon the lock frees. Under many clients that sleeping, not the
work, made the latency, so writers queue here first: on a thread lock within a process and on an
``flock`` of a file beside the database between the processes of ``serve --workers N``. The busy
timeout still covers writers that do not take this lock (the CLI, another tool).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # Windows: processes fall back to SQLite's busy handler
    fcntl = None  # type: ignore[assignment]


class SqliteWriterLock:
    """Re-entrant within a thread; exclusive between threads and between processes (POSIX)."""

    def __init__(self, lock_path: Path | None) -> None:
        self._thread_lock = threading.RLock()
        self._path = lock_path
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        if self._depth == 0 and self._path is not None and fcntl is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._close_fd()
                self._thread_lock.release()
                raise
        self._depth += 1

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _traceback: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._close_fd()  # closing the descriptor drops the flock
        self._thread_lock.release()

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def writer_lock_for(database_url: str) -> SqliteWriterLock:
    """The lock for a SQLite URL's file (``<file>.writer-lock``); a thread lock only for memory databases."""
    from sqlalchemy.engine import make_url

    database = make_url(database_url).database if database_url.startswith("sqlite") else None
    if not database or database == ":memory:":
        return SqliteWriterLock(None)
    return SqliteWriterLock(Path(f"{database}.writer-lock"))
