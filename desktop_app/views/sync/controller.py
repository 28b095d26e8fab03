"""The background sync loop: when to sync, one round at a time, never on the GUI thread.

A round runs when the application starts, every ``interval_ms``, ``debounce_ms`` after the last local
change, when the user asks (Sync now), and after a failure when the retry timer fires; its delay
comes from ``desktop_app.sync.backoff.retry_delay`` and grows with each failure in a row. Requests
that arrive while a round runs are coalesced into one more round afterwards. While a retry is set,
the interval and local changes wait for it (that is what the backoff is for); Sync now does not.

With no server configured ("work offline only", the default) or nobody signed in, a round is only a
status read: nothing is sent anywhere.

The engine's progress callback runs on the I/O worker; it is relayed to the GUI thread by a signal.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.domain.sync_errors import SyncBusyError
from desktop_app.sync.backoff import retry_delay
from desktop_app.sync.dtos import SyncProgress, SyncReport, SyncStatus
from desktop_app.sync.engine import SyncEngine
from desktop_app.sync.offline_mode import work_offline_only
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.tasks import TaskRunner

INTERVAL_MS = 60_000
DEBOUNCE_MS = 2_000
BUSY_RETRY_MS = 1_000  # another caller holds the engine's sync lock: try again soon, not a failure

RetryDelay = Callable[..., float]


def _syncable(status: SyncStatus) -> bool:
    return not status.offline_only and status.logged_in


class SyncController(QObject):
    status_changed = Signal(object)  # SyncStatus
    sync_started = Signal()
    progress_reported = Signal(object)  # SyncProgress, on the GUI thread
    sync_finished = Signal(object)  # SyncReport
    sync_failed = Signal(object)  # Exception
    retry_scheduled = Signal(float)  # seconds
    signed_out = Signal(bool)  # True if the server was told
    offline_mode_set = Signal()
    action_failed = Signal(object)  # Exception of a sign-out or an offline switch
    _round_began = Signal()  # emitted on the I/O worker
    _progress_relayed = Signal(object)  # emitted on the I/O worker

    def __init__(
        self,
        engine: SyncEngine,
        runner: TaskRunner,
        bus: ChangeBus,
        parent: QObject | None = None,
        *,
        interval_ms: int = INTERVAL_MS,
        debounce_ms: int = DEBOUNCE_MS,
        delay_for: RetryDelay = retry_delay,
        random_fraction: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self._runner = runner
        self._bus = bus
        self._delay_for = delay_for
        self._random_fraction = random_fraction
        self._monotonic = monotonic
        self.status: SyncStatus | None = None
        self.progress: SyncProgress | None = None
        self.last_report: SyncReport | None = None
        self.last_failure: Exception | None = None
        self.running = False  # a round is in flight (maybe only reading the status)
        self.syncing = False  # ... and it is talking to the server
        self.failures = 0  # in a row; 0 after a success
        self.next_retry_delay: float | None = None  # seconds, while a retry is set
        self._retry_due: float | None = None
        self._again = False
        self._interval_timer = QTimer(self, objectName="syncIntervalTimer", interval=interval_ms)
        self._debounce_timer = QTimer(self, objectName="syncDebounceTimer", interval=debounce_ms, singleShot=True)
        self._retry_timer = QTimer(self, objectName="syncRetryTimer", singleShot=True)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._interval_timer.timeout.connect(self._on_interval_timer_timeout)
        self._debounce_timer.timeout.connect(self._on_debounce_timer_timeout)
        self._retry_timer.timeout.connect(self._on_retry_timer_timeout)
        self._bus.changes_published.connect(self._on_bus_changes_published)
        self._round_began.connect(self._on_self_round_began)
        self._progress_relayed.connect(self._on_self_progress_relayed)

    # --- what starts a round -------------------------------------------------------------

    def start(self) -> None:
        """The start-up round (a status read only, when offline or signed out), then the timer."""
        self._interval_timer.start()
        self.sync_now()

    def stop(self) -> None:
        for timer in (self._interval_timer, self._debounce_timer, self._retry_timer):
            timer.stop()

    def sync_now(self) -> None:
        """Sync at once (or right after the round that is running)."""
        self._debounce_timer.stop()
        if self.running:
            self._again = True
            return
        self.running = True
        self.progress = None
        self._runner.run_io(self._round, on_done=self._on_round_done, on_error=self._on_round_failed)

    def schedule_sync(self) -> None:
        """Sync shortly, after the local changes settle (each call restarts the wait)."""
        self._debounce_timer.start()

    def refresh_status(self) -> None:
        self._runner.run_db(self.engine.status, on_done=self._set_status)

    def reset_backoff(self) -> None:
        """A fresh start (after a sign-in): the next failure waits the shortest delay again."""
        self.failures = 0
        self._cancel_retry()

    def seconds_until_retry(self) -> float | None:
        if self._retry_due is None:
            return None
        return max(0.0, self._retry_due - self._monotonic())

    def _on_interval_timer_timeout(self) -> None:
        if self._retry_due is None:  # a failure's retry comes first: the backoff decides
            self.sync_now()

    def _on_debounce_timer_timeout(self) -> None:
        if self._retry_due is None and self.status is not None and _syncable(self.status):
            self.sync_now()
        else:
            self.refresh_status()  # the pending count still changed

    def _on_retry_timer_timeout(self) -> None:
        self._retry_due = None
        self.sync_now()

    def _on_bus_changes_published(self, _changes: object) -> None:
        self.schedule_sync()

    # --- the round, on the I/O worker ----------------------------------------------------

    def _round(self) -> tuple[SyncReport | None, SyncStatus]:
        status = self.engine.status()
        if not _syncable(status):
            return None, status
        self._relay(self._round_began)
        report = self.engine.sync_once(lambda progress: self._relay(self._progress_relayed, progress))
        return report, self.engine.status()

    @staticmethod
    def _relay(signal: Any, *args: object) -> None:
        # The window may close while a round runs: its news then has nowhere to go, and must not
        # break the round (the engine would record it as a failure).
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)

    # --- back on the GUI thread ----------------------------------------------------------

    def _on_self_round_began(self) -> None:
        if self.running:
            self.syncing = True
            self.sync_started.emit()

    def _on_self_progress_relayed(self, progress: SyncProgress) -> None:
        if self.syncing:
            self.progress = progress
            self.progress_reported.emit(progress)

    def _on_round_done(self, outcome: tuple[SyncReport | None, SyncStatus]) -> None:
        report, status = outcome
        self.running = self.syncing = False
        self.progress = None
        if report is not None:
            self.failures = 0
            self.last_failure = None
            self._cancel_retry()
            self.last_report = report
        self._set_status(status)
        if report is not None:
            self.sync_finished.emit(report)
        self._run_again_if_asked()

    def _on_round_failed(self, exc: Exception) -> None:
        self.running = self.syncing = False
        self.progress = None
        self.last_failure = exc
        if isinstance(exc, SyncBusyError):
            self._set_retry(BUSY_RETRY_MS / 1000)
        else:
            self.failures += 1
            if getattr(exc, "retryable", True):
                hint = getattr(exc, "retry_after", None)
                self._set_retry(self._delay_for(self.failures, random_fraction=self._random_fraction, server_hint=hint))
            else:
                self._cancel_retry()  # signing in again, or IT, must fix it first
        self.sync_failed.emit(exc)
        self.refresh_status()
        self._run_again_if_asked()

    def _run_again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.sync_now()

    def _set_retry(self, seconds: float) -> None:
        self.next_retry_delay = seconds
        self._retry_due = self._monotonic() + seconds
        self._retry_timer.start(max(0, round(seconds * 1000)))
        self.retry_scheduled.emit(seconds)

    def _cancel_retry(self) -> None:
        self._retry_timer.stop()
        self._retry_due = None
        self.next_retry_delay = None

    def _set_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    # --- sign out, offline only ----------------------------------------------------------

    def sign_out(self) -> None:
        def done(told: bool) -> None:
            self._cancel_retry()
            self.signed_out.emit(told)
            self.refresh_status()

        self._runner.run_io(self.engine.logout, on_done=done, on_error=self._on_action_failed)

    def work_offline_only(self) -> None:
        """Forget the server (refused while changes still wait to be sent: sync them first)."""

        def done(_was_connected: bool) -> None:
            self._cancel_retry()
            self.failures = 0
            self.offline_mode_set.emit()
            self.refresh_status()

        self._runner.run_io(work_offline_only, self.engine, on_done=done, on_error=self._on_action_failed)

    def _on_action_failed(self, exc: Exception) -> None:
        self.action_failed.emit(exc)
        self.refresh_status()
