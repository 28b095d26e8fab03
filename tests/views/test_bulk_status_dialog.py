"""The bulk dialog's On hold / Resolve / Close: asked once, previewed with refusals, applied, undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import Status
from desktop_app.views.bulk_dialog import BulkDialog
from desktop_app.views.main_window import MainWindow
from tests.support.fakes import FixedClock


def _select_all_and_open(window: MainWindow) -> BulkDialog:
    from PySide6.QtCore import QItemSelectionModel

    table, model = window.queue.table, window.queue_model
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(model.rowCount()):
        table.selectionModel().select(model.index(row, 0), flags)
    dialog = window.queue_navigator.open_bulk()
    assert dialog is not None
    return dialog


def test_bulk_resolve_asks_once_previews_refusals_and_undoes(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> None:
    made = []
    for n in range(3):
        clock.advance(minutes=2)
        made.append(make_incident(f"Spooler stops {n}"))
    context.incidents.change_status(made[0].id, Status.IN_PROGRESS)
    context.incidents.change_status(made[2].id, Status.CANCELED)
    window = MainWindow(context, runner, bus)
    qtbot.addWidget(window)
    window.show()
    dialog = _select_all_and_open(window)

    dialog.kind.setCurrentIndex(dialog.kind.findData("status"))
    dialog.status.setCurrentIndex(dialog.status.findData(Status.RESOLVED.value))
    assert not dialog.hold_reason.isVisibleTo(dialog)
    assert dialog.resolution_code.isVisibleTo(dialog)
    assert not dialog.root_cause.isVisibleTo(dialog), "the root cause is Close's question"
    dialog.preview_button.click()
    refused = {dialog.table.item(r, 0).text(): dialog.table.item(r, 4).text() for r in range(3)}
    assert set(refused.values()) == {
        "Resolving needs a resolution code. (1 more: resolution_steps)",
        "cannot go from canceled to resolved",
    }
    assert not dialog.apply_button.isEnabled()

    dialog.resolution_code.setCurrentIndex(dialog.resolution_code.findData("fixed"))
    dialog.steps.setPlainText("Cleared the queue and restarted the spooler")
    dialog.preview_button.click()
    reasons = [dialog.table.item(r, 4).text() for r in range(3)]
    assert sorted(reasons) == ["", "", "cannot go from canceled to resolved"]
    assert "2 of 3 will change; 1 refused" in dialog.message.text()
    assert dialog.apply_button.isEnabled()
    dialog.steps.setPlainText("Something else")
    assert not dialog.apply_button.isEnabled(), "changed after the preview: preview again"
    dialog.preview_button.click()

    dialog.apply_button.click()
    assert [context.incidents.get(i.id).status for i in made] == [Status.RESOLVED, Status.RESOLVED, Status.CANCELED]
    assert context.incidents.get(made[1].id).resolution_steps == "Something else"
    assert "Changed 2 incidents; 1 skipped" in window.statusBar().currentMessage()
    window.actions_by_id["undo_bulk"].trigger()
    assert [context.incidents.get(i.id).status for i in made[:2]] == [Status.IN_PROGRESS, Status.IN_PROGRESS]


def test_bulk_close_and_hold_ask_their_own_questions(qtbot: QtBot) -> None:
    dialog = BulkDialog(4, [])
    qtbot.addWidget(dialog)
    dialog.status.setCurrentIndex(dialog.status.findData(Status.CLOSED.value))
    assert dialog.root_cause.isVisibleTo(dialog)
    assert not dialog.not_informed_reason.isVisibleTo(dialog)
    dialog.informed.setChecked(False)
    assert dialog.not_informed_reason.isVisibleTo(dialog)
    dialog.cause_category.setCurrentIndex(dialog.cause_category.findData("software"))
    dialog.root_cause.setText("Leak")
    dialog.not_informed_reason.setText("Left the company")
    change = dialog.change()
    assert (change.status, change.root_cause_category, change.reporter_informed) == (Status.CLOSED, "software", False)
    assert change.status_details()["resolution_code"] is None, "kept: each incident's own resolution"
    assert change.status_details()["reporter_not_informed_reason"] == "Left the company"
    dialog.status.setCurrentIndex(dialog.status.findData(Status.ON_HOLD.value))
    assert dialog.hold_reason.isVisibleTo(dialog)
    assert not dialog.root_cause.isVisibleTo(dialog)
    dialog.hold_reason.setCurrentIndex(1)
    assert dialog.change().status_details() == {"hold_reason": dialog.change().hold_reason}
    assert dialog.change().hold_reason is not None
