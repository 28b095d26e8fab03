"""The sync UI in the main window against a real server: changes go out on F9, refusals land in Errors
(resend, discard), clashing edits land in Conflicts (restore mine, keep theirs), offline only again."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail, IncidentDraft, IncidentPatch, Result
from desktop_app.sync.dtos import OutboxState
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.sync.conflicts_view import ConflictsView
from desktop_app.views.sync.errors_view import ErrorsView
from desktop_app.views.sync.integration import SyncUi
from desktop_app.views.tasks import ThreadedTaskRunner
from tests.sync.e2e_support import PASSWORD, RunningServer
from tests.views.sync.conftest import WindowFactory

pytestmark = pytest.mark.slow

Clients = Callable[[str], AppContext]


def signed_in(make_client: Clients, server: RunningServer, username: str) -> AppContext:
    context = make_client(username)
    context.sync.login(server.url, username, PASSWORD)
    return context


def publish(window: MainWindow, result: Result[IncidentDetail]) -> IncidentDetail:
    """What a view does after a service write: the ChangeSet goes on the bus."""
    window.bus.publish(result.changes)
    return result.value


def sync_now(ui: SyncUi) -> None:
    ui.actions["sync_now"].trigger()


def select_row(view: ErrorsView | ConflictsView, predicate: Callable[[Any], bool]) -> None:
    row = next(r for r, item in enumerate(view.model.items) if predicate(item))
    view.table.selectRow(row)


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """QMessageBox.question calls, answered Discard (as if a person confirmed)."""
    asked: list[tuple[Any, ...]] = []

    def question(*args: Any) -> QMessageBox.StandardButton:
        asked.append(args)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_a_change_goes_out_on_f9_and_the_indicator_says_up_to_date(
    qtbot: QtBot, sync_server: RunningServer, make_client: Clients, make_window: WindowFactory
) -> None:
    alice = signed_in(make_client, sync_server, "alice")
    window, ui = make_window(alice)  # the start-up round: bootstrap, numbers
    assert ui.indicator.text().startswith("Up to date · ")

    logged = publish(window, alice.incidents.create(IncidentDraft(description="Monitor in room 3 flickers")))
    ui.controller.refresh_status()
    assert ui.indicator.text() == "1 pending"
    window.activateWindow()
    with qtbot.waitSignal(ui.controller.sync_finished, timeout=20000):
        qtbot.keyClick(window, Qt.Key.Key_F9)

    assert ui.indicator.text().startswith("Up to date · ")
    assert alice.sync.status().pending == 0
    bob = signed_in(make_client, sync_server, "bob")
    bob.sync.sync_once()
    assert bob.incidents.get(logged.id).number == logged.number
    assert window.queue_model.row_of(logged.id) is not None


def test_a_refused_reassignment_shows_in_errors_then_resend_and_discard(
    qtbot: QtBot,
    sync_server: RunningServer,
    make_client: Clients,
    make_window: WindowFactory,
    questions: list[tuple[Any, ...]],
) -> None:
    bob = signed_in(make_client, sync_server, "bob")
    bob.sync.sync_once()
    group = bob.directory.find_group("Field Services").id
    carol = bob.directory.find_agent("carol").id
    incident = bob.incidents.create(
        IncidentDraft(description="Docking station in room 7 is dead", group_id=group, assignee_id=carol)
    ).value
    bob.sync.sync_once()
    alice = signed_in(make_client, sync_server, "alice")
    window, ui = make_window(alice)

    me = alice.directory.find_agent("alice").id
    publish(window, alice.incidents.assign(incident.id, group_id=group, assignee_id=me))  # not hers to take
    sync_now(ui)

    assert ui.indicator.text() == "1 error"
    assert alice.incidents.get(incident.id).assignee_name == "Carol", "the refusal took it back here"
    ui.indicator.click()
    assert ui.errors_dialog is not None
    assert ui.errors_dialog.isVisible()
    view: ErrorsView = ui.errors_dialog.view
    assert view.model.rowCount() == 1
    [refused] = view.model.items
    assert (refused.name, refused.error_code) == ("reassign", "permission_denied")
    assert view.selected() == refused
    assert "permission_denied" in view.reason.text()
    assert view.resend_button.text() == "&Resend"

    view.resend_button.click()  # as it was: the server decides again

    assert view.model.rowCount() == 0
    assert ui.indicator.text() == "1 pending"
    sync_now(ui)
    assert view.model.rowCount() == 1, "refused again, shown again"
    assert view.model.items[0].id != refused.id

    view.discard_button.click()

    assert len(questions) == 1
    assert view.model.rowCount() == 0
    assert view.summary.text() == "No refused changes."
    assert ui.indicator.text().startswith("Up to date")
    states = {item.id: item.state for item in alice.sync.outbox()}
    assert states[refused.id] == OutboxState.DISCARDED, "kept in the history"


def _two_clashes(
    alice: AppContext, bob: AppContext, window: MainWindow, ui: SyncUi
) -> tuple[IncidentDetail, IncidentDetail]:
    group = alice.directory.find_group("Field Services").id
    first = publish(window, alice.incidents.create(IncidentDraft(description="Laptop will not boot", group_id=group)))
    second = publish(window, alice.incidents.create(IncidentDraft(description="Wi-Fi drops", group_id=group)))
    sync_now(ui)
    bob.sync.sync_once()
    for incident in (first, second):
        publish(window, alice.incidents.update(incident.id, IncidentPatch(title=f"Alice: {incident.title}")))
    time.sleep(0.01)  # Bob writes later: his changes win by the clock
    for incident in (first, second):
        bob.incidents.update(incident.id, IncidentPatch(title=f"Bob: {incident.title}"))
    bob.sync.sync_once()
    sync_now(ui)
    return first, second


def test_conflicts_show_base_mine_theirs_then_restore_mine_and_keep_theirs(
    qtbot: QtBot, sync_server: RunningServer, make_client: Clients, make_window: WindowFactory
) -> None:
    alice, bob = signed_in(make_client, sync_server, "alice"), signed_in(make_client, sync_server, "bob")
    window, ui = make_window(alice)
    bob.sync.sync_once()
    first, second = _two_clashes(alice, bob, window, ui)

    assert ui.indicator.text() == "2 conflicts"
    ui.indicator.click()
    assert ui.conflicts_dialog is not None
    view: ConflictsView = ui.conflicts_dialog.view
    assert view.model.rowCount() == 2
    select_row(view, lambda c: c.incident_id == first.id)
    assert view.values["base"].toPlainText() == first.title
    assert view.values["mine"].toPlainText() == f"Alice: {first.title}"
    assert view.values["theirs"].toPlainText() == f"Bob: {first.title}"
    assert view.boxes["theirs"].title().endswith("(kept)")
    assert "Their change won" in view.headline.text()

    view.restore_mine_button.click()

    assert view.model.rowCount() == 1
    assert alice.incidents.get(first.id).title == f"Alice: {first.title}"
    assert view.selected() is not None
    assert view.selected().incident_id == second.id
    view.keep_theirs_button.click()

    assert view.model.rowCount() == 0
    assert view.summary.text() == "No open conflicts."
    assert alice.incidents.get(second.id).title == f"Bob: {second.title}"
    sync_now(ui)
    bob.sync.sync_once()
    assert bob.incidents.get(first.id).title == f"Alice: {first.title}", "restored for everyone"
    assert bob.incidents.get(second.id).title == f"Bob: {second.title}"
    assert alice.sync.conflicts() == []
    assert all(c.resolution_sent for c in alice.sync.conflicts(include_resolved=True))
    assert ui.indicator.text().startswith("Up to date")


def test_offline_only_from_the_settings_choice_signs_out_and_forgets_the_server(
    qtbot: QtBot, sync_server: RunningServer, make_client: Clients, make_window: WindowFactory
) -> None:
    alice = signed_in(make_client, sync_server, "alice")
    _window, ui = make_window(alice)
    assert ui.indicator.text().startswith("Up to date")

    ui.apply_server_choice(None)

    assert ui.indicator.text() == "Offline only"
    assert alice.sync.status().offline_only
    assert not ui.actions["sync_now"].isEnabled()
    assert not ui.actions["sign_out"].isEnabled()
    ui.apply_server_choice(sync_server.url)
    assert ui.login_dialog is not None
    assert ui.login_dialog.server_url.text() == sync_server.url
    ui.login_dialog.reject()


def test_sign_out_keeps_the_server_and_asks_to_sign_in(
    qtbot: QtBot, sync_server: RunningServer, make_client: Clients, make_window: WindowFactory
) -> None:
    alice = signed_in(make_client, sync_server, "alice")
    window, ui = make_window(alice)

    ui.actions["sign_out"].trigger()

    assert ui.indicator.text() == "Not signed in"
    assert "Signed out" in window.statusBar().currentMessage()
    assert alice.sync.status().server_url == sync_server.url
    ui.indicator.click()
    assert ui.login_dialog is not None
    assert (ui.login_dialog.server_url.text(), ui.login_dialog.username.text()) == (sync_server.url, "alice")
    ui.login_dialog.reject()


def test_outbox_lists_what_was_sent_newest_first(
    qtbot: QtBot, sync_server: RunningServer, make_client: Clients, make_window: WindowFactory
) -> None:
    alice = signed_in(make_client, sync_server, "alice")
    window, ui = make_window(alice)
    logged = publish(window, alice.incidents.create(IncidentDraft(description="Headset crackles on calls")))

    ui.actions["sync_outbox"].trigger()
    view = ui.outbox_dialog.view  # type: ignore[union-attr]
    assert view.model.items[0].entity_id == logged.id
    assert view.model.items[0].state == OutboxState.PENDING
    sync_now(ui)

    assert view.model.items[0].state == OutboxState.APPLIED, "a visible window follows each sync"
    assert isinstance(view.model.items[0].id, uuid.UUID)


def test_with_the_threaded_runner_the_round_runs_off_the_gui_thread(
    qtbot: QtBot, sync_server: RunningServer, make_client: Clients
) -> None:
    alice = signed_in(make_client, sync_server, "alice")
    runner, bus = ThreadedTaskRunner(), ChangeBus()
    window = MainWindow(alice, runner, bus)
    qtbot.addWidget(window)
    window.show()
    try:
        started: list[int] = []
        controller = window.sync_controller  # installed by MainWindow; the start-up round is on the I/O worker
        assert controller is not None
        controller.sync_started.connect(lambda: started.append(threading.get_ident()))
        qtbot.waitUntil(lambda: controller.last_report is not None, timeout=20000)
        ui = window.findChild(SyncUi)
        assert ui.indicator.text().startswith("Up to date")
        assert started == [threading.get_ident()], "sync_started arrives on the GUI thread"
        publish(window, alice.incidents.create(IncidentDraft(description="Kiosk in the lobby is frozen")))
        with qtbot.waitSignal(controller.sync_finished, timeout=20000):
            controller.sync_now()
        assert alice.sync.status().pending == 0
        controller.stop()
    finally:
        window.close()
        runner.shutdown()
