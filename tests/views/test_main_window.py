"""The main window driven from the keyboard: menus, queue ↔ detail, assign, status, notes, errors."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import HoldReason, NoteKind, Status
from desktop_app.views.actions import ACTION_SPECS, MENU_ORDER
from desktop_app.views.assign_dialog import AssignDialog
from desktop_app.views.item_models.queue_columns import COLUMNS
from desktop_app.views.main_window import MainWindow
from desktop_app.views.status_dialog import StatusDialog
from tests.support.builders import make_agent, make_incident
from tests.support.fakes import FixedClock

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focus(), key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focus(), text)


def queue_cell(window: MainWindow, incident: IncidentDetail, column: str) -> str:
    row = window.queue_model.row_of(incident.id)
    assert row is not None, f"{incident.display_number} is not in the queue"
    return window.queue_model.index(row, COLUMNS.index(column)).data()


@pytest.fixture
def incidents(context: AppContext, clock: FixedClock, make_reporter) -> list[IncidentDetail]:
    """Three incidents, oldest first, a minute apart."""
    ada = make_reporter("Ada Lovelace")
    alan = make_reporter("Alan Turing", is_vip=True)
    created = []
    for title, reporter, category, levels in (
        ("Printer jams on floor 3", ada, "Hardware > Printer", (3, 3)),
        ("VPN drops every hour", alan, "Network > VPN", (2, 1)),
        ("Cannot reach the finance share", ada, "Network > Connectivity", (1, 1)),
    ):
        clock.advance(minutes=1)
        created.append(
            make_incident(
                context,
                f"{title}: reported by phone",
                title=title,
                reporter_id=reporter.id,
                category_path=category,
                impact=levels[0],
                urgency=levels[1],
            )
        )
    return created


@pytest.fixture
def window(main_window: MainWindow, incidents: list[IncidentDetail]) -> MainWindow:
    main_window.queue_model.reload()
    return main_window


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """QMessageBox.warning calls, answered as if a person clicked OK."""
    calls: list[tuple[Any, ...]] = []

    def warning(*args: Any) -> QMessageBox.StandardButton:
        calls.append(args)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return calls


def focus_queue(qtbot: QtBot, window: MainWindow) -> None:
    """Back to the main window (a closed dialog does not hand activation back offscreen) and its queue."""
    with qtbot.waitActive(window):
        window.activateWindow()
    window.queue.focus_table()
    qtbot.waitUntil(lambda: focus() is window.queue.table)


def select(qtbot: QtBot, window: MainWindow, incident: IncidentDetail) -> None:
    assert window.queue.select_incident(incident.id)
    qtbot.waitUntil(lambda: window.detail.detail is not None and window.detail.detail.id == incident.id)


def test_menus_hold_every_action_with_its_shortcut(main_window: MainWindow) -> None:
    menus = {action.text().replace("&", ""): action.menu() for action in main_window.menuBar().actions()}
    assert list(menus) == list(MENU_ORDER)
    shortcuts = []
    for spec in ACTION_SPECS:
        in_menu = [a for a in menus[spec.menu].actions() if a.objectName() == f"action_{spec.id}"]
        assert len(in_menu) == 1, f"{spec.id} is not in the {spec.menu} menu"
        action = in_menu[0]
        assert action.text() == spec.text
        assert action.statusTip() == spec.status_tip
        if spec.shortcut is None:
            assert action.shortcut().isEmpty()
        else:
            assert action.shortcut() == QKeySequence(spec.shortcut)
            assert action.shortcut().toString() in action.toolTip()
            shortcuts.append(action.shortcut().toString())
        assert action in main_window.actions(), "shortcuts must work with the menu bar hidden"
    assert len(shortcuts) == len(set(shortcuts)), "no two actions share a shortcut"


def test_selecting_a_row_shows_the_incident(qtbot: QtBot, window: MainWindow, incidents: list[IncidentDetail]) -> None:
    assert window.queue.count_label.text() == "3 incidents"
    vpn = incidents[1]
    assert not window.actions_by_id["assign"].isEnabled(), "nothing selected yet"
    select(qtbot, window, vpn)
    detail = window.detail
    assert detail.number.text() == vpn.display_number
    assert detail.title.text() == "VPN drops every hour"
    assert detail.fields["reporter"].text() == "★ VIP · Alan Turing"
    assert detail.fields["category"].text() == "Network > VPN"
    assert detail.priority.text() == vpn.priority.label == "P2 – High"
    assert detail.status.text() == "New"
    assert detail.fields["assignee"].text() == "Unassigned"
    assert "Logged as " + vpn.display_number in detail.timeline.toPlainText()
    for action_id in ("assign", "change_status", "add_note", "copy_number"):
        assert window.actions_by_id[action_id].isEnabled(), action_id


def test_j_and_k_move_through_the_queue(qtbot: QtBot, window: MainWindow, incidents: list[IncidentDetail]) -> None:
    newest_first = list(reversed(incidents))
    focus_queue(qtbot, window)
    assert window.queue.current_incident_id() == newest_first[0].id
    press(qtbot, Qt.Key.Key_J)
    assert window.queue.current_incident_id() == newest_first[1].id
    assert window.detail.detail is not None
    assert window.detail.detail.id == newest_first[1].id
    press(qtbot, Qt.Key.Key_J)
    press(qtbot, Qt.Key.Key_J)  # at the end: stays on the last row
    assert window.queue.current_incident_id() == newest_first[2].id
    press(qtbot, Qt.Key.Key_K)
    assert window.queue.current_incident_id() == newest_first[1].id
    assert window.detail.number.text() == newest_first[1].display_number


def test_f5_reloads_the_queue(
    qtbot: QtBot, window: MainWindow, context: AppContext, clock: FixedClock, incidents: list[IncidentDetail]
) -> None:
    clock.advance(minutes=1)
    logged_elsewhere = make_incident(context, "Logged by the CLI, not through this window")
    assert window.queue_model.row_of(logged_elsewhere.id) is None, "no one told the window"
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_F5)
    assert window.queue_model.row_of(logged_elsewhere.id) == 0
    assert window.queue_model.rowCount() == 4
    assert window.queue.count_label.text() == "4 incidents"


def test_assign_and_unassign_by_keyboard(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    make_agent(context, "Nadia Nowak", "nadia", groups=("Network Team",))
    make_agent(context, "Nathan Field", "nathan", groups=("Field Services",))
    printer = incidents[0]
    select(qtbot, window, printer)
    focus_queue(qtbot, window)

    press(qtbot, Qt.Key.Key_A, CTRL_SHIFT)
    dialog = window.assign_dialog
    assert isinstance(dialog, AssignDialog)
    qtbot.waitUntil(lambda: focus() is dialog.group)
    type_text(qtbot, "netw")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.group.text() == "Network Team"
    assert focus() is dialog.agent
    type_text(qtbot, "nad")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.agent.text() == "Nadia Nowak"
    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert not dialog.isVisible()
    detail = window.detail
    assert detail.fields["assignee"].text() == "Nadia Nowak"
    assert detail.fields["group"].text() == "Network Team"
    assert detail.status.text() == "Assigned"
    assert queue_cell(window, printer, "Assignee") == "Nadia Nowak"
    assert queue_cell(window, printer, "Status") == "Assigned"
    history = detail.timeline.toPlainText()
    assert "Assignee: – → Nadia Nowak" in history
    assert "Group: – → Network Team" in history
    assert context.incidents.get(printer.id).assignee_name == "Nadia Nowak"

    # Unassign: clear the agent field and assign; the group stays.
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_A, CTRL_SHIFT)
    dialog = window.assign_dialog
    qtbot.waitUntil(lambda: focus() is dialog.group)
    assert (dialog.group.text(), dialog.agent.text()) == ("Network Team", "Nadia Nowak")
    press(qtbot, Qt.Key.Key_Tab)
    assert focus() is dialog.agent
    press(qtbot, Qt.Key.Key_A, CTRL)
    press(qtbot, Qt.Key.Key_Backspace)
    assert dialog.agent.text() == ""
    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert not dialog.isVisible()
    assert detail.fields["assignee"].text() == "Unassigned"
    assert detail.fields["group"].text() == "Network Team"
    assert queue_cell(window, printer, "Assignee") == "Network Team", "the queue shows the group instead"
    assert "Assignee: Nadia Nowak → –" in detail.timeline.toPlainText()
    saved = context.incidents.get(printer.id)
    assert saved.assignee_id is None
    assert saved.group_name == "Network Team"


def test_assign_dialog_refuses_a_name_that_matches_no_one(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    select(qtbot, window, incidents[0])
    window.open_assign()
    dialog = window.assign_dialog
    qtbot.waitUntil(lambda: focus() is dialog.group)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Nobody Atall")
    dialog.agent.flush_query()
    assert dialog.agent.current_suggestions() == []
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible()
    assert "No single agent is called 'Nobody Atall'" in dialog.error.text()
    assert context.incidents.get(incidents[0].id).assignee_id is None


def test_put_on_hold_through_the_status_dialog(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    vpn = incidents[1]
    select(qtbot, window, vpn)
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = window.status_dialog
    assert isinstance(dialog, StatusDialog)
    qtbot.waitUntil(lambda: focus() is dialog.target)
    assert not dialog.hold_reason.isVisible(), "asked for only when going on hold"
    type_text(qtbot, "o")  # QComboBox keyboard search: "On hold"
    assert dialog.target.currentData() == Status.ON_HOLD
    assert dialog.hold_reason.isVisible()
    assert not dialog.steps.isVisible()
    press(qtbot, Qt.Key.Key_Tab)
    assert focus() is dialog.hold_reason
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.hold_reason.currentData() == HoldReason.AWAITING_VENDOR
    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert not dialog.isVisible(), dialog.error.text()
    detail = window.detail
    assert detail.status.text() == "On hold"
    assert detail.fields["hold"].text() == "Awaiting vendor"
    assert detail.fields["hold"].isVisible()
    history = detail.timeline.toPlainText()
    assert "Status: new → on hold" in history
    assert "On-hold reason: – → awaiting vendor" in history
    assert queue_cell(window, vpn, "Status") == "On hold"
    saved = context.incidents.get(vpn.id)
    assert (saved.status, saved.hold_reason) == (Status.ON_HOLD, HoldReason.AWAITING_VENDOR)


def test_resolve_needs_steps_and_keeps_the_dialog_until_given(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    share = incidents[2]
    select(qtbot, window, share)
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = window.status_dialog
    qtbot.waitUntil(lambda: focus() is dialog.target)
    type_text(qtbot, "r")
    assert dialog.target.currentData() == Status.RESOLVED
    assert dialog.resolution_code.currentData() is None, "no code until one is chosen"
    dialog.resolution_code.setCurrentIndex(dialog.resolution_code.findData("fixed"))
    assert dialog.steps.isVisible()
    press(qtbot, Qt.Key.Key_Return, CTRL)  # no steps yet

    qtbot.waitUntil(dialog.isVisible)
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Resolving needs resolution notes: what was done."
    assert dialog.target.currentData() == Status.RESOLVED, "what was chosen is kept"
    assert window.detail.status.text() == "New"
    assert context.incidents.get(share.id).status == Status.NEW

    dialog.activateWindow()
    dialog.steps.setFocus()
    qtbot.waitUntil(lambda: focus() is dialog.steps)
    type_text(qtbot, "Re-mapped the drive")
    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert not dialog.isVisible()
    assert window.detail.status.text() == "Resolved"
    assert window.detail.fields["resolution"].text() == "Fixed · Re-mapped the drive"
    saved = context.incidents.get(share.id)
    assert saved.status == Status.RESOLVED
    assert saved.resolution_steps == "Re-mapped the drive"
    assert queue_cell(window, share, "Status") == "Resolved"


def test_closed_incident_is_read_only_in_the_window(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    printer = incidents[0]
    context.incidents.change_status(
        printer.id, Status.RESOLVED, resolution_code="fixed", resolution_steps="Cleared the jam"
    )
    context.incidents.change_status(
        printer.id, Status.CLOSED, root_cause="Worn roller", root_cause_category="hardware", reporter_informed=True
    )
    window.queue_model.reload()
    select(qtbot, window, printer)
    detail = window.detail
    assert detail.status.text() == "Closed"
    assert not detail.note_text.isEnabled()
    assert not detail.note_button.isEnabled()
    assert not detail.note_kind.isEnabled()
    assert not detail.assign_button.isEnabled()
    assert "read-only" in detail.note_text.placeholderText()
    assert detail.status_button.isEnabled(), "a closed incident can still be reopened"
    assert not window.actions_by_id["assign"].isEnabled()
    assert not window.actions_by_id["add_note"].isEnabled()
    assert window.actions_by_id["change_status"].isEnabled()
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_A, CTRL_SHIFT)
    assert getattr(window, "assign_dialog", None) is None, "the shortcut is off as well as the button"
    # An open incident turns them back on.
    select(qtbot, window, incidents[1])
    assert window.actions_by_id["assign"].isEnabled()
    assert detail.note_text.isEnabled()


def test_add_a_note_with_ctrl_enter(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    vpn = incidents[1]
    select(qtbot, window, vpn)
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: focus() is window.detail.note_text)
    type_text(qtbot, "Called back: the VPN client was two versions old")
    with qtbot.waitSignal(window.detail.note_submitted) as submitted:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert submitted.args[1] is NoteKind.WORKLOG

    assert window.detail.note_text.toPlainText() == ""
    assert not window.detail.note_error.isVisible()
    timeline = window.detail.timeline.toPlainText()
    assert "Called back: the VPN client was two versions old" in timeline
    assert "Worklog · internal · Terry Tester" in timeline
    notes = context.incidents.get(vpn.id).notes
    assert [n.body for n in notes] == ["Called back: the VPN client was two versions old"]


def test_an_empty_note_is_refused_in_place(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    select(qtbot, window, incidents[1])
    window.detail.focus_note()
    qtbot.waitUntil(lambda: focus() is window.detail.note_text)
    type_text(qtbot, "   ")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert window.detail.note_error.text() == "Type the note first."
    assert context.incidents.get(incidents[1].id).notes == ()


def test_service_error_on_a_note_is_shown_not_raised(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail]
) -> None:
    vpn = incidents[1]
    select(qtbot, window, vpn)
    # Closed behind the window's back (another client, the CLI): the pane still shows it open.
    context.incidents.change_status(vpn.id, Status.CANCELED)
    assert window.detail.note_text.isEnabled()
    window.detail.focus_note()
    qtbot.waitUntil(lambda: focus() is window.detail.note_text)
    type_text(qtbot, "Too late")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert window.detail.note_error.isVisible()
    assert window.detail.note_error.text() == f"{vpn.display_number} is canceled and read-only; reopen it first."
    assert window.detail.note_text.toPlainText() == "Too late", "the draft is kept"
    assert context.incidents.get(vpn.id).notes == ()


def test_go_to_an_unknown_number_shows_a_message(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, warnings: list[tuple[Any, ...]]
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("999999", True))
    window.actions_by_id["go_to_incident"].trigger()
    assert len(warnings) == 1
    assert warnings[0][2] == "There is no incident INC-999999."
    assert window.statusBar().currentMessage() == "There is no incident INC-999999."


def test_go_to_a_number_selects_the_incident(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, incidents: list[IncidentDetail], warnings
) -> None:
    vpn = incidents[1]
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (str(vpn.number), True))
    window.actions_by_id["go_to_incident"].trigger()
    assert warnings == []
    assert window.detail.number.text() == vpn.display_number
    assert window.queue.current_incident_id() == vpn.id


def test_unhandled_task_error_is_shown_as_a_message(window: MainWindow, warnings: list[tuple[Any, ...]]) -> None:
    def broken() -> None:
        raise RuntimeError("disk on fire")

    window.runner.run_db(broken)
    assert [w[2] for w in warnings] == ["Unexpected error: disk on fire"]
    assert window.busy_label.text() == "", "nothing left in flight"


def test_a_canceled_incident_offers_no_status_change(
    qtbot: QtBot, window: MainWindow, context: AppContext, incidents: list[IncidentDetail], warnings
) -> None:
    printer = incidents[0]
    context.incidents.change_status(printer.id, Status.CANCELED)
    window.queue_model.reload()
    select(qtbot, window, printer)
    focus_queue(qtbot, window)
    press(qtbot, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = window.status_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.target.count() == 0
    assert dialog.error.text() == "A canceled incident cannot change status."
    press(qtbot, Qt.Key.Key_Return, CTRL)  # the shortcut must not get past the disabled button
    assert dialog.isVisible()
    assert warnings == []
    assert context.incidents.get(printer.id).status == Status.CANCELED
