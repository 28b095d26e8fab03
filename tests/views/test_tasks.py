"""The task runners' contract: work off the GUI thread, results on it, one at a time, in order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.views.tasks import SyncTaskRunner, ThreadedTaskRunner


class Recorder:
    """Callbacks that note the value and the thread they ran on."""

    def __init__(self) -> None:
        self.done: list[tuple[Any, int]] = []
        self.errors: list[tuple[BaseException, int]] = []

    def on_done(self, value: Any) -> None:
        self.done.append((value, threading.get_ident()))

    def on_error(self, exc: BaseException) -> None:
        self.errors.append((exc, threading.get_ident()))


class BoomError(Exception):
    """A failure raised on purpose inside a task."""


def fail(message: str) -> None:
    raise BoomError(message)


@pytest.fixture
def threaded(qtbot: QtBot) -> Iterator[ThreadedTaskRunner]:
    runner = ThreadedTaskRunner()
    yield runner
    runner.shutdown()


def test_threaded_runs_off_the_gui_thread_and_answers_on_it(qtbot: QtBot, threaded: ThreadedTaskRunner) -> None:
    gui = threading.get_ident()
    ran_on: list[int] = []
    recorder = Recorder()

    def work(a: int, b: int) -> int:
        ran_on.append(threading.get_ident())
        return a + b

    threaded.run_db(work, 2, 3, on_done=recorder.on_done, on_error=recorder.on_error)
    qtbot.waitUntil(lambda: len(recorder.done) == 1)
    assert len(ran_on) == 1
    assert ran_on[0] != gui, "the work ran on the GUI thread"
    assert recorder.done == [(5, gui)], "the result is delivered on the GUI thread"
    assert recorder.errors == []


def test_threaded_delivers_exceptions_to_on_error_on_the_gui_thread(qtbot: QtBot, threaded: ThreadedTaskRunner) -> None:
    recorder = Recorder()
    with qtbot.assertNotEmitted(threaded.unhandled_error, wait=50):
        threaded.run_db(fail, "no disk", on_done=recorder.on_done, on_error=recorder.on_error)
        qtbot.waitUntil(lambda: len(recorder.errors) == 1)
    exc, thread = recorder.errors[0]
    assert isinstance(exc, BoomError)
    assert str(exc) == "no disk"
    assert thread == threading.get_ident()
    assert recorder.done == []


def test_threaded_runs_tasks_one_at_a_time_in_submission_order(qtbot: QtBot, threaded: ThreadedTaskRunner) -> None:
    release = threading.Event()
    lock = threading.Lock()
    started: list[int] = []
    running = [0]
    most_at_once = [0]
    delivered: list[int] = []

    def work(n: int) -> int:
        if n == 0:
            assert release.wait(5), "the first task was never released"
        with lock:
            running[0] += 1
            most_at_once[0] = max(most_at_once[0], running[0])
            started.append(n)
        threading.Event().wait(0.001 * (5 - n % 5))  # uneven lengths: a pool would reorder them
        with lock:
            running[0] -= 1
        return n

    for n in range(10):
        threaded.run_db(work, n, on_done=delivered.append)
    release.set()  # everything is queued behind the first task now
    qtbot.waitUntil(lambda: len(delivered) == 10)
    assert started == list(range(10))
    assert delivered == list(range(10))
    assert most_at_once[0] == 1, "SQLite has one writer: the DB worker is serial"


def test_threaded_busy_count_rises_and_falls_to_zero(qtbot: QtBot, threaded: ThreadedTaskRunner) -> None:
    release = threading.Event()
    counts: list[int] = []
    threaded.busy_changed.connect(counts.append)
    delivered: list[int] = []
    for n in range(3):
        threaded.run_db(lambda n=n: release.wait(5) and n, on_done=delivered.append)
    assert counts == [1, 2, 3], "counted as soon as submitted"
    release.set()
    qtbot.waitUntil(lambda: len(delivered) == 3)
    assert counts == [1, 2, 3, 2, 1, 0]
    assert delivered == [0, 1, 2]


def test_threaded_error_without_handler_is_reported_not_lost(qtbot: QtBot, threaded: ThreadedTaskRunner) -> None:
    with qtbot.waitSignal(threaded.unhandled_error, timeout=5000) as reported:
        threaded.run_db(fail, "nobody listens")
    exc = reported.args[0]
    assert isinstance(exc, BoomError)
    assert str(exc) == "nobody listens"


def test_threaded_result_without_handler_is_dropped_quietly(qtbot: QtBot, threaded: ThreadedTaskRunner) -> None:
    counts: list[int] = []
    threaded.busy_changed.connect(counts.append)
    with qtbot.assertNotEmitted(threaded.unhandled_error, wait=50):
        threaded.run_db(lambda: 42)
        qtbot.waitUntil(lambda: counts[-1:] == [0])
    assert counts == [1, 0]


def test_threaded_shutdown_waits_for_work_in_flight(qtbot: QtBot) -> None:
    runner = ThreadedTaskRunner()
    finished = threading.Event()
    runner.run_db(lambda: threading.Event().wait(0.05) or finished.set())
    runner.shutdown()
    assert finished.is_set()


def test_sync_runner_keeps_the_same_contract_at_once(qtbot: QtBot) -> None:
    runner = SyncTaskRunner()
    gui = threading.get_ident()
    counts: list[int] = []
    unhandled: list[BaseException] = []
    runner.busy_changed.connect(counts.append)
    runner.unhandled_error.connect(unhandled.append)
    recorder = Recorder()
    ran_on: list[int] = []

    def work(value: str) -> str:
        ran_on.append(threading.get_ident())
        return value.upper()

    runner.run_db(work, "done", on_done=recorder.on_done, on_error=recorder.on_error)
    # Synchronous: the callback has run before run_db returns, on the calling thread.
    assert recorder.done == [("DONE", gui)]
    assert ran_on == [gui]
    assert counts == [1, 0]

    runner.run_db(fail, "handled", on_done=recorder.on_done, on_error=recorder.on_error)
    assert len(recorder.errors) == 1
    assert isinstance(recorder.errors[0][0], BoomError)
    assert unhandled == []

    runner.run_db(fail, "unhandled")
    assert len(unhandled) == 1
    assert str(unhandled[0]) == "unhandled"
    assert counts == [1, 0, 1, 0, 1, 0]

    order: list[int] = []
    for n in range(5):
        runner.run_db(lambda n=n: n, on_done=order.append)
    assert order == [0, 1, 2, 3, 4]
    runner.shutdown()  # a no-op, but part of the contract
