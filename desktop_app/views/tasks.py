"""Runs service calls off the GUI thread and hands results back on it (DESIGN §5).

One serial worker for the database (SQLite has one writer), and a small I/O pool for work that
waits on the network (a sync round), so a slow server never holds up the database queue. Results
arrive through a queued signal, so callbacks always run on the GUI thread. Tests use
``SyncTaskRunner``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class TaskRunner(Protocol):
    busy_changed: Any

    def run_db(
        self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None, on_error: Callback | None = None
    ) -> None: ...

    def run_io(
        self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None, on_error: Callback | None = None
    ) -> None: ...

    def shutdown(self) -> None: ...


class _RunnerBase(QObject):
    busy_changed = Signal(int)  # number of tasks in flight
    # Errors nobody asked to handle: the main window shows them.
    unhandled_error = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._in_flight = 0

    def _started(self) -> None:
        self._in_flight += 1
        self.busy_changed.emit(self._in_flight)

    def _finish(self, callback: Callback | None, value: Any, failed: bool) -> None:
        self._in_flight -= 1
        self.busy_changed.emit(self._in_flight)
        if callback is not None:
            callback(value)
        elif failed:
            log.error("background task failed", exc_info=value)
            self.unhandled_error.emit(value)


IO_WORKERS = 2  # a sync round and a login (or a sign-out) may wait on the server at the same time


class ThreadedTaskRunner(_RunnerBase):
    _delivered = Signal(object, object, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helpdesk-db")
        self._io = ThreadPoolExecutor(max_workers=IO_WORKERS, thread_name_prefix="helpdesk-io")
        self._delivered.connect(self._finish)

    def run_db(
        self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None, on_error: Callback | None = None
    ) -> None:
        self._submit(self._db, fn, args, on_done, on_error)

    def run_io(
        self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None, on_error: Callback | None = None
    ) -> None:
        """Network work (it may also touch the database in short transactions of its own, as the sync engine does)."""
        self._submit(self._io, fn, args, on_done, on_error)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        on_done: Callback | None,
        on_error: Callback | None,
    ) -> None:
        self._started()

        def job() -> None:
            try:
                result = fn(*args)
            except Exception as exc:  # handed to the GUI thread, never lost
                self._delivered.emit(on_error, exc, True)
            else:
                self._delivered.emit(on_done, result, False)

        pool.submit(job)

    def shutdown(self) -> None:
        # Network work not started yet is dropped (nothing is lost: the outbox keeps every change);
        # a round already talking to the server finishes within the request timeouts.
        self._io.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True)


class SyncTaskRunner(_RunnerBase):
    """Runs each task at once on the calling thread: deterministic tests."""

    def run_db(
        self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None, on_error: Callback | None = None
    ) -> None:
        self._started()
        try:
            result = fn(*args)
        except Exception as exc:
            self._finish(on_error, exc, True)
        else:
            self._finish(on_done, result, False)

    def run_io(
        self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None, on_error: Callback | None = None
    ) -> None:
        self.run_db(fn, *args, on_done=on_done, on_error=on_error)

    def shutdown(self) -> None:
        return None
