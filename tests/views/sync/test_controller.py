"""The background sync loop: offline does nothing, one round at a time, debounce, progress, backoff."""

from __future__ import annotations

import threading
from dataclasses import replace

from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.domain.sync_errors import AuthRequired, ServerUnreachable
from desktop_app.sync.backoff import retry_delay
from desktop_app.sync.dtos import OutboxState, SyncHealth, SyncProgress
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.sync.controller import SyncController
from desktop_app.views.sync.status_indicator import SyncStatusIndicator
from desktop_app.views.tasks import SyncTaskRunner, ThreadedTaskRunner
from tests.support.fakes import MemoryKeyring
from tests.sync.conftest import connect_locally
from tests.views.sync.sync_support import FakeEngine, HoldingRunner, point_at
from tests.views.sync.test_status_text import CONNECTED

HALF = 0.5


def test_offline_only_never_syncs_and_says_so(qtbot: QtBot, context: AppContext) -> None:
    runner, bus = SyncTaskRunner(), ChangeBus()
    controller = SyncController(context.sync, runner, bus, debounce_ms=10)
    indicator = SyncStatusIndicator(controller)
    qtbot.addWidget(indicator)
    started: list[object] = []
    controller.sync_started.connect(lambda: started.append(True))

    controller.start()
    result = context.incidents.create(IncidentDraft(description="Scanner on floor 2 is offline"))
    bus.publish(result.changes)
    qtbot.wait(50)  # the debounce fires: a status read only
    controller.sync_now()

    assert controller.status is not None
    assert controller.status.health == SyncHealth.OFFLINE_ONLY
    assert indicator.text() == "Offline only"
    assert started == []
    assert controller.failures == 0
    assert controller.seconds_until_retry() is None
    controller.stop()


def test_requests_while_a_round_runs_are_coalesced_into_one_more(qtbot: QtBot) -> None:
    runner = HoldingRunner()
    engine = FakeEngine(replace(CONNECTED, pending=3))
    controller = SyncController(engine, runner, ChangeBus())  # type: ignore[arg-type]
    finished: list[object] = []
    controller.sync_finished.connect(finished.append)

    controller.sync_now()
    controller.sync_now()
    controller.sync_now()
    assert len(runner.io_jobs) == 1, "one round at a time"

    runner.run_next()
    assert len(runner.io_jobs) == 1, "the requests made meanwhile become one more round"
    runner.run_next()

    assert runner.io_jobs == []
    assert engine.rounds == 2
    assert len(finished) == 2


def test_local_changes_sync_after_the_debounce(qtbot: QtBot, context: AppContext) -> None:
    runner, bus = HoldingRunner(), ChangeBus()
    controller = SyncController(FakeEngine(CONNECTED), runner, bus, debounce_ms=30)  # type: ignore[arg-type]
    controller.status = CONNECTED
    changes = context.incidents.create(IncidentDraft(description="Badge reader at gate 2 is dead")).changes

    for _ in range(3):
        bus.publish(changes)
    assert runner.io_jobs == [], "nothing at once: the changes settle first"

    qtbot.waitUntil(lambda: len(runner.io_jobs) == 1, timeout=2000)
    qtbot.wait(60)
    assert len(runner.io_jobs) == 1, "three changes, one round"


def test_progress_comes_from_the_worker_and_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = ThreadedTaskRunner()
    engine = FakeEngine(replace(CONNECTED, pending=500))
    controller = SyncController(engine, runner, ChangeBus())  # type: ignore[arg-type]
    indicator = SyncStatusIndicator(controller)
    qtbot.addWidget(indicator)
    seen: list[tuple[str, int]] = []
    texts: list[str] = []

    def on_progress(progress: SyncProgress) -> None:
        seen.append((progress.stage, threading.get_ident()))
        texts.append(indicator.text())

    controller.progress_reported.connect(on_progress)

    try:
        with qtbot.waitSignal(controller.sync_finished, timeout=5000):
            controller.sync_now()
    finally:
        runner.shutdown()

    assert len(engine.threads) == 1
    assert engine.threads[0] != threading.get_ident(), "the round ran on the I/O worker"
    assert seen == [("push", threading.get_ident())]
    assert texts == ["Syncing… push 120/500"]
    assert indicator.text().startswith("Up to date")


def test_an_unreachable_server_backs_off_and_loses_nothing(
    qtbot: QtBot, context: AppContext, memory_keyring: MemoryKeyring, closed_port_url: str
) -> None:
    point_at(context, closed_port_url, memory_keyring)
    logged = context.incidents.create(IncidentDraft(description="Laptop in room 12 will not charge")).value
    runner = SyncTaskRunner()
    controller = SyncController(context.sync, runner, ChangeBus(), random_fraction=lambda: HALF)
    indicator = SyncStatusIndicator(controller)
    qtbot.addWidget(indicator)
    failures: list[Exception] = []
    controller.sync_failed.connect(failures.append)

    controller.start()

    assert len(failures) == 1
    assert isinstance(failures[0], ServerUnreachable)
    assert controller.failures == 1
    assert controller.next_retry_delay == retry_delay(1, random_fraction=lambda: HALF)
    remaining = controller.seconds_until_retry()
    assert remaining is not None
    assert 0 < remaining <= controller.next_retry_delay
    assert indicator.text().startswith("Server unreachable · retry in ")
    assert "cannot be reached" in indicator.toolTip()

    controller._on_retry_timer_timeout()  # the retry fires (without waiting for it); still unreachable

    assert controller.failures == 2
    assert controller.next_retry_delay == retry_delay(2, random_fraction=lambda: HALF)
    assert controller.next_retry_delay > retry_delay(1, random_fraction=lambda: HALF)
    pending = context.sync.outbox((OutboxState.PENDING,))
    assert any(item.name == "create_incident" and item.entity_id == logged.id for item in pending), "nothing lost"
    assert context.incidents.get(logged.id).title == logged.title
    controller.stop()


def test_the_interval_waits_for_a_scheduled_retry(qtbot: QtBot) -> None:
    runner = HoldingRunner()
    controller = SyncController(FakeEngine(CONNECTED), runner, ChangeBus())  # type: ignore[arg-type]
    controller.sync_now()
    runner.io_jobs.pop().on_error(ServerUnreachable("down"))  # type: ignore[misc]
    assert controller.seconds_until_retry() is not None

    controller._on_interval_timer_timeout()
    assert runner.io_jobs == [], "the backoff decides when to try again"

    controller.sync_now()  # but Sync now is the user's call
    assert len(runner.io_jobs) == 1


def test_a_refused_session_is_not_retried_it_asks_to_sign_in(qtbot: QtBot) -> None:
    runner = HoldingRunner()
    controller = SyncController(FakeEngine(CONNECTED), runner, ChangeBus())  # type: ignore[arg-type]
    controller.sync_now()

    runner.io_jobs.pop().on_error(AuthRequired("Your session has ended; log in again."))  # type: ignore[misc]

    assert controller.failures == 1
    assert controller.seconds_until_retry() is None, "retrying cannot help until the user signs in"
    assert controller.next_retry_delay is None


def test_offline_only_is_refused_while_changes_wait_to_be_sent(qtbot: QtBot, context: AppContext) -> None:
    connect_locally(context)
    context.incidents.create(IncidentDraft(description="Projector in room 4 shows no signal"))
    controller = SyncController(context.sync, SyncTaskRunner(), ChangeBus())
    failed: list[Exception] = []
    controller.action_failed.connect(failed.append)

    controller.work_offline_only()

    assert len(failed) == 1
    assert "still wait to be sent" in str(failed[0])
    assert not context.sync.status().offline_only, "still connected: nothing was forgotten"
