"""View fixtures: a synchronous task runner, a change bus and a main window on the test context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.tasks import SyncTaskRunner


@pytest.fixture
def runner() -> SyncTaskRunner:
    return SyncTaskRunner()


@pytest.fixture
def bus() -> ChangeBus:
    return ChangeBus()


@pytest.fixture
def main_window(qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, bus: ChangeBus) -> Iterator[MainWindow]:
    window = MainWindow(context, runner, bus)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    yield window
    window.close()
