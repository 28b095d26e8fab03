"""Start-up's first half: the window shows the queue from sqlite3, then the services take over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.db.queue_sql import QuickQueuePager
from desktop_app.db.quick_read import quick_queue_source
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow, QuickStart
from desktop_app.views.tasks import SyncTaskRunner
from tests.support.fakes import FixedClock


def test_queue_shown_before_services_and_actions_wait_for_them(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]
) -> None:
    for n in range(3):
        clock.advance(minutes=1)
        make_incident(f"Laptop {n} will not boot")
    source = quick_queue_source(context.paths.database)
    assert source is not None
    pager = QuickQueuePager(context.paths.database)
    window = MainWindow(None, SyncTaskRunner(), ChangeBus(), quick_start=QuickStart(context.paths.data_dir, pager))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert window.context is None
    assert window.queue_model.rowCount() == 3, "the queue is on screen before SQLAlchemy loads"
    assert window.queue_model.total == 3
    assert window.queue.count_label.text().startswith("3 incidents")

    # Selecting and Ctrl+N while the services load are kept, not lost, and run once they arrive.
    window.queue.focus_table()
    qtbot.keyClick(window.queue.table, Qt.Key.Key_J)
    window.actions_by_id["new_incident"].trigger()
    assert window.detail.detail is None
    assert window.new_incident_dialog is None
    assert "Starting up" in window.statusBar().currentMessage()

    window.attach_context(context)
    assert window.context is context
    assert window.detail.detail is not None
    assert window.detail.detail.title == window.queue_model.summary_at(window.queue.table.currentIndex().row()).title
    assert window.new_incident_dialog is not None
    window.new_incident_dialog.done(0)

    # From now on the services feed the queue: a new incident appears through the change bus.
    clock.advance(minutes=1)
    result = context.incidents.create(IncidentDraft(description="VPN drops"))
    window.bus.publish(result.changes)
    assert window.queue_model.rowCount() == 4
    assert window.queue_model.summary_at(0).title == "VPN drops"
