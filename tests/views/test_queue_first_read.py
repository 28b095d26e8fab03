"""The queue's first read starts while the window is built, and the first reload takes its answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import Priority
from desktop_app.domain.queue_filter import QueueQuery
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.item_models.queue_table_model import QueueTableModel
from desktop_app.views.main_window import MainWindow
from desktop_app.views.tasks import SyncTaskRunner
from tests.support.builders import make_incident


class HeldDbRunner(SyncTaskRunner):
    """Database work held until the test runs it, as if the database thread were still busy."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[Callable[[], None]] = []

    def run_db(self, fn: Callable[..., Any], *args: Any, on_done: Any = None, on_error: Any = None) -> None:
        self.jobs.append(lambda: SyncTaskRunner.run_db(self, fn, *args, on_done=on_done, on_error=on_error))

    def run_all(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


class CountingSource:
    def __init__(self, context: AppContext) -> None:
        self.queue = context.queue
        self.first_pages = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.queue, name)

    def first_page(self, *args: Any, **kwargs: Any) -> Any:
        self.first_pages += 1
        return self.queue.first_page(*args, **kwargs)


def test_the_first_reload_takes_the_answer_started_earlier_whenever_it_arrives(context: AppContext) -> None:
    made = [make_incident(context, f"Printer {n} jams") for n in range(3)]
    source, runner = CountingSource(context), HeldDbRunner()
    model = QueueTableModel(source, runner)  # type: ignore[arg-type]
    model.start_first_read()
    model.reload()  # the window is built: the read is still on the database thread
    assert len(runner.jobs) == 1, "no second read"
    runner.run_all()
    assert source.first_pages == 1
    assert model.rowCount() == 3
    assert (model.counts.total, model.counts.matches) == (3, 3)
    assert {model.summary_at(row).id for row in range(3)} == {m.id for m in made}

    model.reload()  # later reloads read again
    runner.run_all()
    assert source.first_pages == 2


def test_an_answer_that_came_first_waits_and_another_query_reads_anew(context: AppContext) -> None:
    make_incident(context, "Printer jams", impact=1, urgency=1)
    make_incident(context, "Mouse please")
    source, runner = CountingSource(context), SyncTaskRunner()
    model = QueueTableModel(source, runner)  # type: ignore[arg-type]
    model.start_first_read()  # done at once: the answer waits for the reload
    assert model.rowCount() == 0
    model.reload()
    assert (source.first_pages, model.rowCount()) == (1, 2)

    other = QueueTableModel(source, runner)  # type: ignore[arg-type]
    other.start_first_read()
    other.set_query(QueueQuery(priorities=(Priority.P1,)))  # not what was read ahead
    assert (source.first_pages, other.rowCount()) == (3, 1)


def test_the_window_reads_its_first_page_once_started_before_the_rest_of_it(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_incident(context, "Printer jams")
    started: list[bool] = []
    original = QueueTableModel.start_first_read

    def spy(model: QueueTableModel) -> None:
        started.append(model.rowCount() == 0)
        original(model)

    monkeypatch.setattr(QueueTableModel, "start_first_read", spy)
    source = CountingSource(context)
    monkeypatch.setattr(context, "queue", source)
    runner = HeldDbRunner()
    window = MainWindow(context, runner, ChangeBus())
    qtbot.addWidget(window)
    runner.run_all()
    assert started == [True]
    assert source.first_pages == 1
    assert window.queue_model.rowCount() == 1
