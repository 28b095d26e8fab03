"""The main window: queue on the left, the selected incident on the right, every action in menus."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QToolBar

from desktop_app.domain.dtos import IncidentDetail, Result
from desktop_app.domain.errors import HelpdeskError
from desktop_app.domain.status_machine import is_read_only
from desktop_app.views.actions import ACTION_SPECS, MENU_ORDER, build_actions
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.communication.reply_ui import install_reply_ui
from desktop_app.views.incident_detail_view import IncidentDetailView
from desktop_app.views.item_models.queue_refresh import QueueSource
from desktop_app.views.item_models.queue_table_model import QueueTableModel
from desktop_app.views.queue_navigation import install_queue_navigation
from desktop_app.views.queue_view import QueueView
from desktop_app.views.resources import icon
from desktop_app.views.sla.sla_notifier import install_sla_ui
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.work.work_ui import install_work_ui, submit_worklog

if TYPE_CHECKING:
    from desktop_app.context import AppContext
    from desktop_app.views.assign_dialog import AssignDialog
    from desktop_app.views.new_incident_dialog import NewIncidentDialog
    from desktop_app.views.status_dialog import StatusDialog

TOOLBAR_ACTIONS = ("new_incident", None, "assign", "change_status", "add_note", "copy_number", None, "refresh")


def error_text(exc: Exception) -> str:
    return exc.message if isinstance(exc, HelpdeskError) else f"Unexpected error: {exc}"


@dataclass(frozen=True)
class QuickStart:
    """What the window needs to show the queue before the services have loaded (see app.py)."""

    data_dir: Path
    queue_source: QueueSource
    page_size: int = 200


def needs_context(handler: Callable[..., None]) -> Callable[..., None]:
    """Run now when the services are loaded, else as soon as they are (a key pressed during start-up)."""

    @wraps(handler)
    def run(self: MainWindow, *args: object) -> None:
        if self.context is None:
            self._run_when_ready.append(lambda: handler(self, *args))
            self.statusBar().showMessage("Starting up…")
            return
        handler(self, *args)

    return run


class MainWindow(QMainWindow):
    context_attached = Signal()

    def __init__(
        self,
        context: AppContext | None,
        runner: TaskRunner,
        bus: ChangeBus,
        *,
        quick_start: QuickStart | None = None,
    ) -> None:
        super().__init__()
        if context is None and quick_start is None:
            raise ValueError("MainWindow needs the services or a quick start")
        self.context = context
        self._run_when_ready: list[Callable[[], None]] = []
        if context is not None:
            self._data_dir = context.paths.data_dir
            source: QueueSource = context.queue
            page_size = context.settings.queue_page_size
        else:
            assert quick_start is not None
            self._data_dir, source, page_size = quick_start.data_dir, quick_start.queue_source, quick_start.page_size
        self.runner = runner
        self.bus = bus
        self.setWindowTitle("Help Desk")
        self.setWindowIcon(icon("helpdesk"))
        self.setObjectName("mainWindow")
        self.actions_by_id = build_actions(self)
        self.queue_model = QueueTableModel(source, runner, page_size)
        self.queue_model.start_first_read()  # overlaps the SQL with building the rest of the window
        self.queue = QueueView(self.queue_model)
        self.detail = IncidentDetailView()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)
        self.busy_label = QLabel(objectName="busyLabel")
        self.statusBar().addPermanentWidget(self.busy_label)
        self.new_incident_dialog: NewIncidentDialog | None = None
        self._select_when_loaded: uuid.UUID | None = None
        self._build_menus()
        self._connect_signals()
        self._restore_layout()
        self._update_action_state()
        self.queue_model.reload()
        self.sync_controller = None
        if context is not None:
            self._install_sync(context)
            install_sla_ui(self, context)
            self._install_mail(context)
            self.detail.attachments.bind(context.attachments, runner, bus)
            install_work_ui(self, context)
            install_reply_ui(self, context)

    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENU_ORDER}
        for spec in ACTION_SPECS:
            menus[spec.menu].addAction(self.actions_by_id[spec.id])
            self.addAction(self.actions_by_id[spec.id])  # shortcuts work with the menu bar hidden too
        toolbar = QToolBar("Main", objectName="mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action_id in TOOLBAR_ACTIONS:
            if action_id is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_id[action_id])
        self.addToolBar(toolbar)

    def _connect_signals(self) -> None:
        a = self.actions_by_id
        a["new_incident"].triggered.connect(self._on_new_incident_triggered)
        a["go_to_incident"].triggered.connect(self._on_go_to_incident_triggered)
        a["quit"].triggered.connect(self.close)
        a["settings"].triggered.connect(self._on_settings_triggered)
        a["assign"].triggered.connect(self.open_assign)
        a["change_status"].triggered.connect(self.open_status)
        a["add_note"].triggered.connect(self.detail.focus_note)
        a["copy_number"].triggered.connect(self._on_copy_number_triggered)
        a["refresh"].triggered.connect(self.queue_model.reload)
        a["focus_queue"].triggered.connect(self.queue.focus_table)
        a["focus_detail"].triggered.connect(self.detail.setFocus)
        a["shortcuts"].triggered.connect(self._on_shortcuts_triggered)
        a["about"].triggered.connect(self._on_about_triggered)
        a["copy_diagnostics"].triggered.connect(self._on_copy_diagnostics_triggered)
        self.queue.incident_selected.connect(self._on_queue_incident_selected)
        self.queue.open_requested.connect(self._on_queue_open_requested)
        self.queue_model.rowsInserted.connect(self._on_queue_rows_inserted)
        self.queue_model.load_failed.connect(self._show_error)
        self.detail.assign_requested.connect(self.open_assign)
        self.detail.status_change_requested.connect(self.open_status)
        self.detail.note_submitted.connect(self._on_detail_note_submitted)
        self.detail.attachments.connect_actions(a)
        self.detail.attachments.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.bus.incidents_changed.connect(self._on_bus_incidents_changed)
        self.bus.incidents_created.connect(self.queue_model.refresh_incidents)
        self.runner.busy_changed.connect(self._on_runner_busy_changed)
        unhandled = getattr(self.runner, "unhandled_error", None)
        if unhandled is not None:
            unhandled.connect(self._show_error)

    def attach_context(self, context: AppContext) -> None:
        """The services have loaded (start-up's second half): take over the queue and run what waited."""
        self.context = context
        self.queue_model.set_source(context.queue)
        self._install_sync(context)
        install_sla_ui(self, context)
        self._install_mail(context)
        self.detail.attachments.bind(context.attachments, self.runner, self.bus)
        install_work_ui(self, context)
        install_reply_ui(self, context)
        waiting, self._run_when_ready = self._run_when_ready, []
        self.statusBar().clearMessage()
        for run in waiting:
            run()
        self.context_attached.emit()

    def _install_sync(self, context: AppContext) -> None:
        from desktop_app.views.sync.integration import install_sync_ui

        self.sync_controller = install_sync_ui(self, context, self.runner, self.bus)
        # Called wherever the services arrive (at once, or after the quick start): the queue's
        # views, category tree, filters and search need them too.
        install_queue_navigation(self, context)
        self.sync_controller.sync_finished.connect(self._on_sync_controller_sync_finished)

    def _install_mail(self, context: AppContext) -> None:
        from desktop_app.views.mail.integration import install_mail_ui

        install_mail_ui(self, context)

    @needs_context
    def import_email_files(self, paths: list[Path]) -> None:
        """Email files opened with the app or dropped on it: the import with its progress dialog."""
        from desktop_app.views.mail.integration import install_mail_ui

        install_mail_ui(self, self.context).import_paths(paths)

    def _on_sync_controller_sync_finished(self, _report: object) -> None:
        # The team's changes may touch the incident on screen: read it again (keeps a typed note).
        current = self.detail.detail
        if current is not None and self.context is not None:
            self.runner.run_db(self.context.incidents.get, current.id, on_done=self.show_detail)

    # --- selection and detail ------------------------------------------------------------

    @needs_context
    def _on_queue_incident_selected(self, incident_id: uuid.UUID | None) -> None:
        if incident_id is None:
            self.show_detail(None)
            return
        self.runner.run_db(self.context.incidents.get, incident_id, on_done=self.show_detail, on_error=self._show_error)

    def _on_queue_open_requested(self, incident_id: uuid.UUID) -> None:
        self._on_queue_incident_selected(incident_id)
        self.detail.setFocus()

    def show_detail(self, detail: IncidentDetail | None) -> None:
        self.detail.show_incident(detail)
        self._update_action_state()

    def _update_action_state(self) -> None:
        detail = self.detail.detail
        has = detail is not None
        writable = detail is not None and not is_read_only(detail.status)
        for action_id in ("change_status", "copy_number"):
            self.actions_by_id[action_id].setEnabled(has)
        # Like the pane's buttons: a closed or canceled incident takes no assignment or note until reopened.
        for action_id in ("assign", "add_note"):
            self.actions_by_id[action_id].setEnabled(writable)

    @needs_context
    def _on_bus_incidents_changed(self, ids: frozenset[uuid.UUID]) -> None:
        self.queue_model.refresh_incidents(ids)
        current = self.detail.detail
        if current is not None and current.id in ids:
            self.runner.run_db(self.context.incidents.get, current.id, on_done=self.show_detail)

    def _on_queue_rows_inserted(self, *_args: object) -> None:
        if self._select_when_loaded is not None and self.queue.select_incident(self._select_when_loaded):
            self._select_when_loaded = None

    # --- actions -------------------------------------------------------------------------

    @needs_context
    def _on_new_incident_triggered(self) -> None:
        self.open_new_incident()

    def open_new_incident(self) -> NewIncidentDialog:
        # Dialog modules load on first use: start-up only pays for what the first screen shows.
        from desktop_app.views.new_incident_dialog import NewIncidentDialog

        dialog = NewIncidentDialog(self.context, self.runner, self.bus, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.incident_created.connect(self._on_dialog_incident_created)
        dialog.log_another_requested.connect(self._on_new_incident_triggered)
        self.new_incident_dialog = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.reporter.setFocus()
        return dialog

    def _on_dialog_incident_created(self, detail: IncidentDetail) -> None:
        self.show_detail(detail)
        if not self.queue.select_incident(detail.id):
            self._select_when_loaded = detail.id
        self.statusBar().showMessage(f"{detail.display_number} logged", 8000)

    @needs_context
    def open_assign(self) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        directory = self.context.directory

        def load() -> tuple[list, list]:
            return directory.groups(), directory.agents()

        self.runner.run_db(load, on_done=lambda found: self._show_assign(detail, *found), on_error=self._show_error)

    def _show_assign(self, detail: IncidentDetail, groups: list, agents: list) -> None:
        from desktop_app.views.assign_dialog import AssignDialog

        dialog = AssignDialog(detail, groups, agents, self)
        self.assign_dialog = dialog
        dialog.accepted.connect(lambda: self._assign(dialog, detail))
        dialog.open()

    def _assign(self, dialog: AssignDialog, detail: IncidentDetail) -> None:
        self.runner.run_db(
            lambda: self.context.incidents.assign(detail.id, group_id=dialog.group_id, assignee_id=dialog.assignee_id),
            on_done=self._apply_result,
            on_error=lambda exc: self._reopen_with_error(dialog, exc),
        )

    @needs_context
    def open_status(self) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        from desktop_app.views.status_dialog import StatusDialog

        dialog = StatusDialog(detail, self)
        self.status_dialog = dialog
        dialog.accepted.connect(lambda: self._change_status(dialog, detail))
        dialog.open()

    def _change_status(self, dialog: StatusDialog, detail: IncidentDetail) -> None:
        chosen = dialog.chosen()
        target = chosen.pop("target")
        self.runner.run_db(
            lambda: self.context.incidents.change_status(detail.id, target, **chosen),
            on_done=self._apply_result,
            on_error=lambda exc: self._reopen_with_error(dialog, exc),
        )

    def _reopen_with_error(self, dialog: AssignDialog | StatusDialog, exc: Exception) -> None:
        """Keep what the user chose: the dialog comes back with the rule's message."""
        dialog.error.show_message(error_text(exc))
        dialog.open()

    @needs_context
    def _on_detail_note_submitted(self, body: str, kind: object) -> None:
        detail = self.detail.detail
        if detail is None:
            return

        def saved(result: Result[IncidentDetail]) -> None:
            self.detail.note_saved()
            self._apply_result(result)

        self.runner.run_db(
            submit_worklog(self, detail, body, kind),
            on_done=saved,
            on_error=lambda exc: self.detail.note_failed(error_text(exc)),
        )

    def _apply_result(self, result: Result[IncidentDetail]) -> None:
        self.show_detail(result.value)
        self.bus.publish(result.changes)

    @needs_context
    def _on_settings_triggered(self) -> None:
        from desktop_app.views.settings_flow import open_settings

        open_settings(self)

    def _on_copy_number_triggered(self) -> None:
        if self.detail.detail is not None:
            self.detail.copy_number()
            self.statusBar().showMessage(f"{self.detail.detail.display_number} copied to the clipboard", 5000)

    @needs_context
    def _on_go_to_incident_triggered(self) -> None:
        text, ok = QInputDialog.getText(self, "Go to incident", "Incident number (e.g. 123 or INC-000123):")
        if not ok or not text.strip():
            return

        def found(detail: IncidentDetail) -> None:
            self.show_detail(detail)
            self.queue.select_incident(detail.id)

        self.runner.run_db(self.context.incidents.get_by_number, text, on_done=found, on_error=self._show_error)

    def _on_shortcuts_triggered(self) -> None:
        lines = [
            f"<tr><td><b>{self.actions_by_id[s.id].shortcut().toString()}</b></td><td>{s.status_tip}</td></tr>"
            for s in ACTION_SPECS
            if s.shortcut
        ]
        extra = (
            "<tr><td><b>j / k</b></td><td>Next / previous incident in the queue</td></tr>"
            "<tr><td><b>Enter</b></td><td>Open the selected incident</td></tr>"
            "<tr><td><b>Ctrl+Enter</b></td><td>Save a form or add a note</td></tr>"
        )
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{''.join(lines)}{extra}</table>")

    def _on_about_triggered(self) -> None:
        from desktop_app.views.about_dialog import show_about

        show_about(self, self._data_dir)

    def _on_copy_diagnostics_triggered(self) -> None:
        from desktop_app.views.about_dialog import copy_diagnostics

        copy_diagnostics(self, self._data_dir)

    def _on_runner_busy_changed(self, in_flight: int) -> None:
        self.busy_label.setText("Working…" if in_flight else "")

    def _show_error(self, exc: Exception) -> None:
        self.statusBar().showMessage(error_text(exc), 10000)
        QMessageBox.warning(self, "Help Desk", error_text(exc))

    # --- layout persistence --------------------------------------------------------------

    def _layout_settings(self) -> QSettings:
        return QSettings(str(self._data_dir / "window.ini"), QSettings.Format.IniFormat)

    def _restore_layout(self) -> None:
        settings = self._layout_settings()
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1600, 900)
        splitter = settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([1100, 500])
        columns = settings.value("queue_columns")
        if columns is not None:
            self.queue.table.horizontalHeader().restoreState(columns)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = self._layout_settings()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("queue_columns", self.queue.table.horizontalHeader().saveState())
        super().closeEvent(event)
