"""The sync UI without a server: the item models' contract, the menu and indicator on the real and on a
plain QMainWindow, the Settings server section, fixing a refused field update, and the I/O runner."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.domain.enums import Channel
from desktop_app.domain.priority import PriorityMatrix
from desktop_app.sync.dtos import ConflictView, OutboxState
from desktop_app.views.actions import ACTION_SPECS
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.settings_dialog import SettingsDialog
from desktop_app.views.sync.errors_view import ErrorsView
from desktop_app.views.sync.integration import SYNC_ACTION_IDS, SyncUi, install_sync_ui
from desktop_app.views.sync.item_models import ConflictTableModel, OutboxTableModel
from desktop_app.views.tasks import SyncTaskRunner, ThreadedTaskRunner
from tests.sync.conftest import answer, connect_locally

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def conflict(field: str, winner: str = "theirs") -> ConflictView:
    return ConflictView(
        id=uuid.uuid4(),
        server_id=None,
        incident_id=uuid.uuid4(),
        incident_number="INC-000101",
        incident_title="Laptop will not boot",
        field=field,
        base="Laptop will not boot",
        mine="Alice: disk",
        theirs=None,
        winner=winner,  # type: ignore[arg-type]
        mutation_id=uuid.uuid4(),
        created_at=WHEN,
    )


def test_outbox_model_contract(qtmodeltester: Any, context: AppContext) -> None:
    context.incidents.create(IncidentDraft(description="Printer on floor 3 jams"))
    model = OutboxTableModel()
    qtmodeltester.check(model, force_py=True)
    model.set_items(context.sync.outbox())
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(model.rowCount() - 1, 1)).startswith("Log INC-")


def test_conflict_model_contract(qtmodeltester: Any) -> None:
    model = ConflictTableModel()
    qtmodeltester.check(model, force_py=True)
    model.set_items([conflict("title"), conflict("workaround", "mine")])
    qtmodeltester.check(model, force_py=True)
    assert [model.data(model.index(r, 3)) for r in range(2)] == ["Theirs", "Yours"]
    assert model.data(model.index(0, 4)) == "(empty)", "theirs won, and theirs is empty"


def test_the_sync_menu_and_indicator_on_the_main_window_offline(qtbot: QtBot, main_window: MainWindow) -> None:
    controller = main_window.sync_controller  # installed by MainWindow itself
    ui = main_window.findChild(SyncUi)
    assert len(main_window.findChildren(SyncUi)) == 1

    menus = {a.text().replace("&", ""): a.menu() for a in main_window.menuBar().actions()}
    sync_menu = [a.objectName() for a in menus["Sync"].actions()]
    assert sync_menu == [f"action_{i}" for i in SYNC_ACTION_IDS]
    assert ui.indicator.text() == "Offline only"
    assert ui.indicator in main_window.statusBar().findChildren(type(ui.indicator))
    assert controller.status is not None
    assert controller.status.offline_only
    assert not ui.actions["sync_now"].isEnabled(), "nothing to sync with"
    assert ui.indicator.focusPolicy() & Qt.FocusPolicy.TabFocus, "reachable from the keyboard"
    controller.stop()


def test_install_on_a_plain_main_window_adds_the_menu_and_actions(qtbot: QtBot, context: AppContext) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.menuBar().addMenu("&File")
    window.menuBar().addMenu("&Help")
    reloads: list[bool] = []
    window.actions_by_id = {}  # type: ignore[attr-defined]
    window.queue_model = type("Queue", (), {"reload": lambda self: reloads.append(True)})()  # type: ignore[attr-defined]
    runner, bus = SyncTaskRunner(), ChangeBus()

    controller = install_sync_ui(window, context, runner, bus)

    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Sync", "&Help"]
    assert sorted(window.actions_by_id) == sorted(SYNC_ACTION_IDS)  # type: ignore[attr-defined]
    assert window.actions_by_id["sync_now"] in window.actions()  # type: ignore[attr-defined]
    spec = next(s for s in ACTION_SPECS if s.id == "sync_now")
    assert window.actions_by_id["sync_now"].shortcut().toString() == spec.shortcut  # type: ignore[attr-defined]
    assert window.findChild(SyncUi).indicator.text() == "Offline only"
    controller.stop()


def test_settings_server_section_defaults_to_offline_and_checks_the_address(qtbot: QtBot, context: AppContext) -> None:
    dialog = SettingsDialog(context.directory.me(), Channel.PHONE, PriorityMatrix())
    qtbot.addWidget(dialog)
    assert dialog.offline_only.isChecked()
    assert not dialog.server_url.isEnabled()
    assert dialog.chosen_server_url() is None

    dialog.sync_with_server.setChecked(True)
    assert dialog.server_url.isEnabled()
    dialog.server_url.setText("helpdesk example")
    dialog.buttons.accepted.emit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "is not a server address" in dialog.error.text()

    dialog.server_url.setText("https://desk.example.org/")
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.chosen_server_url() == "https://desk.example.org"
    assert dialog.chosen_name() == context.directory.me().name


def test_settings_show_the_server_in_use(qtbot: QtBot, context: AppContext) -> None:
    dialog = SettingsDialog(
        context.directory.me(), Channel.EMAIL, PriorityMatrix(), server_url="https://desk.example.org"
    )
    qtbot.addWidget(dialog)

    assert dialog.sync_with_server.isChecked()
    assert dialog.server_url.text() == "https://desk.example.org"
    assert dialog.chosen_channel() == Channel.EMAIL


@pytest.fixture
def errors_view(qtbot: QtBot, context: AppContext) -> ErrorsView:
    view = ErrorsView(context.sync, SyncTaskRunner())
    qtbot.addWidget(view)
    view.show()
    return view


def test_fix_and_resend_a_refused_field_update(qtbot: QtBot, context: AppContext, errors_view: ErrorsView) -> None:
    connect_locally(context)
    incident = context.incidents.create(IncidentDraft(description="Phone on desk 4 has no dial tone")).value
    answer(context)
    context.incidents.update(incident.id, IncidentPatch(title="Desk 4 phone dead", impact=2))
    answer(context, outcome="rejected", code="validation_error", reason="Title too short for the server")

    errors_view.reload()

    assert errors_view.model.rowCount() == 1
    assert "Title too short" in errors_view.reason.text()
    assert errors_view.resend_button.text() == "Fix and &resend"
    # The whole priority group travels together (PROTOCOL v1.1); priority itself follows impact x urgency.
    assert set(errors_view.editor.editors) == {"title", "impact", "urgency", "priority_override_reason"}
    assert "priority" not in errors_view.editor.editors
    title = errors_view.editor.editors["title"]
    title.clear()  # type: ignore[union-attr]
    qtbot.keyClicks(title, "Desk 4: phone has no dial tone at all")
    errors_view.resend_button.click()

    assert errors_view.model.rowCount() == 0
    [waiting] = context.sync.outbox((OutboxState.PENDING,))
    assert waiting.name == "update_fields"
    assert waiting.payload["title"] == "Desk 4: phone has no dial tone at all"
    assert waiting.payload["impact"] == 2
    assert context.incidents.get(incident.id).title == "Desk 4: phone has no dial tone at all"


def test_discard_asks_first_and_cancel_keeps_it(
    qtbot: QtBot, context: AppContext, errors_view: ErrorsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect_locally(context)
    incident = context.incidents.create(IncidentDraft(description="Phone on desk 4 has no dial tone")).value
    answer(context)
    context.incidents.update(incident.id, IncidentPatch(title="Desk 4 phone dead"))
    answer(context, outcome="rejected", code="permission_denied", reason="Not yours")
    errors_view.reload()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Cancel)

    errors_view.discard_button.click()

    assert errors_view.model.rowCount() == 1


def test_threaded_run_io_works_off_the_gui_thread_beside_the_db_worker(qtbot: QtBot) -> None:
    runner = ThreadedTaskRunner()
    gate = threading.Event()
    done: list[tuple[str, int]] = []
    try:
        runner.run_io(gate.wait, 5, on_done=lambda _ok: done.append(("io", threading.get_ident())))
        runner.run_db(lambda: "db", on_done=lambda v: done.append((v, threading.get_ident())))
        qtbot.waitUntil(lambda: len(done) == 1, timeout=3000)
        assert done[0][0] == "db", "a waiting network call never holds the database worker"
        gate.set()
        qtbot.waitUntil(lambda: len(done) == 2, timeout=3000)
    finally:
        gate.set()
        runner.shutdown()
    assert {thread for _, thread in done} == {threading.get_ident()}, "results arrive on the GUI thread"
