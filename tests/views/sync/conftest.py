"""Sync view fixtures: one real ``helpdesk-server`` process for the session, and real clients with windows.

- ``sync_server``: a server on SQLite in a temp dir with alice and carol (technicians, Field Services),
  bob (supervisor, Service Desk) and dave (agent; the rate-limit test locks him out); password
  ``PASSWORD``. Started once per session; each test uses fresh clients.
- ``make_client(name)``: a fresh data directory with the real clock and a new client id (never the
  template database: copies of it would share one client id, which the server would refuse).
- ``make_window(context)``: a shown MainWindow on that client with the sync UI installed, on the
  synchronous task runner; returns the window and its ``SyncUi``.
- ``closed_port_url``: an http address on this machine where nothing listens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext, open_context
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.sync.integration import SyncUi
from desktop_app.views.tasks import SyncTaskRunner
from tests.sync.e2e_support import RunningServer, free_port, process_env

WindowFactory = Callable[[AppContext], tuple[MainWindow, SyncUi]]


@pytest.fixture(scope="session")
def sync_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path_factory.mktemp("sync-server"), free_port(), process_env())
    server.add_user("alice", "technician", "Field Services")
    server.add_user("carol", "technician", "Field Services")
    server.add_user("bob", "supervisor", "Service Desk")
    server.add_user("dave", "agent", "Service Desk")  # only for the rate-limit test: locked out for a minute
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[[str], AppContext]]:
    opened: list[AppContext] = []

    def make(name: str) -> AppContext:
        context = open_context(tmp_path / name)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    windows: list[MainWindow] = []

    def make(context: AppContext) -> tuple[MainWindow, SyncUi]:
        runner, bus = SyncTaskRunner(), ChangeBus()
        window = MainWindow(context, runner, bus)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        # MainWindow installs the sync UI itself once it has the services.
        assert window.sync_controller is not None
        ui = window.findChild(SyncUi)
        assert ui is not None
        windows.append(window)
        return window, ui

    yield make
    for window in windows:
        window.findChild(SyncUi).controller.stop()
        window.close()


@pytest.fixture
def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"
