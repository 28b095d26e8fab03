"""Everything sync adds to the main window, in one call: ``install_sync_ui(window, context, runner, bus)``.

It needs only public things of the window: ``menuBar()``, ``statusBar()``, ``addAction()``,
``actions_by_id`` (the Sync actions of ``actions.py`` are taken from it, or made and added when it
lacks them) and ``queue_model.reload()``. It adds the status indicator to the status bar, connects
the Sync menu, opens the sign-in dialog and the Outbox, Errors and Conflicts windows, starts the
sync loop and returns it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from desktop_app.context import AppContext
from desktop_app.sync.dtos import LoginResult, SyncReport, SyncStatus
from desktop_app.views.actions import ACTION_SPECS, build_action
from desktop_app.views.attachments.blob_transfer import install_blob_transfer
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.sync.conflicts_view import ConflictsView
from desktop_app.views.sync.controller import SyncController
from desktop_app.views.sync.errors_view import ErrorsView, Names, error_text
from desktop_app.views.sync.login_dialog import LoginDialog
from desktop_app.views.sync.outbox_view import OutboxView
from desktop_app.views.sync.status_indicator import SyncStatusIndicator
from desktop_app.views.sync.status_text import Target
from desktop_app.views.sync.view_dialog import ViewDialog
from desktop_app.views.tasks import TaskRunner

SYNC_MENU = "Sync"
SYNC_ACTION_IDS = tuple(spec.id for spec in ACTION_SPECS if spec.menu == SYNC_MENU)
STATUS_MESSAGE_MS = 8000


def directory_names(context: AppContext) -> Names:
    """Ids a refused change or a conflict may hold, as the names people know (read on the DB worker)."""
    names: Names = {}
    for group in context.directory.groups():
        names[str(group.id)] = group.name
    for agent in context.directory.agents():
        names[str(agent.id)] = f"{agent.name} ({agent.username})"
    for category in context.categories.tree(include_inactive=True):  # deactivated ones keep their names
        names[str(category.id)] = category.path
    return names


def changed_local_data(report: SyncReport) -> bool:
    return bool(report.pulled or report.bootstrapped or report.rejected or report.conflicts or report.numbers_assigned)


def install_sync_ui(window: Any, context: AppContext, runner: TaskRunner, bus: ChangeBus) -> SyncController:
    ui = SyncUi(window, context, runner, bus)
    install_blob_transfer(window, context, ui.controller)
    ui.controller.start()
    return ui.controller


class SyncUi(QObject):
    """Owned by the window (a Qt child), so it lives as long as the window does."""

    def __init__(self, window: Any, context: AppContext, runner: TaskRunner, bus: ChangeBus) -> None:
        super().__init__(window)
        self.setObjectName("syncUi")
        self.window: QMainWindow = window
        self.context = context
        self.runner = runner
        self.controller = SyncController(context.sync, runner, bus, self)
        self.actions = self._sync_actions()
        self.indicator = SyncStatusIndicator(self.controller)
        window.statusBar().addPermanentWidget(self.indicator)
        self.login_dialog: LoginDialog | None = None
        self.outbox_dialog: ViewDialog | None = None
        self.errors_dialog: ViewDialog | None = None
        self.conflicts_dialog: ViewDialog | None = None
        self._connect_signals()
        self._update_actions(None)

    def _sync_actions(self) -> dict[str, QAction]:
        actions_by_id: dict[str, QAction] = self.window.actions_by_id
        missing = [spec for spec in ACTION_SPECS if spec.menu == SYNC_MENU and spec.id not in actions_by_id]
        if missing:
            menu = self._sync_menu()
            for spec in missing:
                action = build_action(spec, self.window)
                actions_by_id[spec.id] = action
                menu.addAction(action)
                self.window.addAction(action)  # the shortcut works with the menu bar hidden too
        return {action_id: actions_by_id[action_id] for action_id in SYNC_ACTION_IDS}

    def _sync_menu(self) -> QMenu:
        bar = self.window.menuBar()
        for action in bar.actions():
            if action.menu() is not None and action.text().replace("&", "") == SYNC_MENU:
                return action.menu()
        menu = QMenu(f"&{SYNC_MENU}", bar)
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)
        else:
            bar.addMenu(menu)
        return menu

    def _connect_signals(self) -> None:
        a = self.actions
        a["sync_now"].triggered.connect(self._on_sync_now_triggered)
        a["sign_in"].triggered.connect(self.open_login)
        a["sign_out"].triggered.connect(self._on_sign_out_triggered)
        a["sync_outbox"].triggered.connect(self.open_outbox)
        a["sync_errors"].triggered.connect(self.open_errors)
        a["sync_conflicts"].triggered.connect(self.open_conflicts)
        self.indicator.open_requested.connect(self._on_indicator_open_requested)
        c = self.controller
        c.status_changed.connect(self._on_controller_status_changed)
        c.sync_finished.connect(self._on_controller_sync_finished)
        c.signed_out.connect(self._on_controller_signed_out)
        c.offline_mode_set.connect(self._on_controller_offline_mode_set)
        c.action_failed.connect(self._on_controller_action_failed)

    # --- the controller's news -----------------------------------------------------------

    def _on_controller_status_changed(self, status: SyncStatus) -> None:
        self._update_actions(status)

    def _update_actions(self, status: SyncStatus | None) -> None:
        connected = status is not None and not status.offline_only
        self.actions["sync_now"].setEnabled(connected and status is not None and status.logged_in)
        self.actions["sign_out"].setEnabled(connected and status is not None and status.logged_in)

    def _on_controller_sync_finished(self, report: SyncReport) -> None:
        if changed_local_data(report):  # a quiet round leaves the queue (and its selection) alone
            self.window.queue_model.reload()
        for dialog in (self.outbox_dialog, self.errors_dialog, self.conflicts_dialog):
            if dialog is not None and dialog.isVisible():
                dialog.view.reload()
        if report.pulled or report.pushed:
            message = f"Synced: {report.pushed:,} sent, {report.pulled:,} received"
            if report.rejected or report.conflicts:
                message += f" ({report.rejected:,} refused, {report.conflicts:,} in conflict)"
            self.window.statusBar().showMessage(message, STATUS_MESSAGE_MS)
        for warning in report.warnings:
            self.window.statusBar().showMessage(warning, STATUS_MESSAGE_MS)

    def _on_controller_signed_out(self, told: bool) -> None:
        where = "" if told else " (the server could not be told; the session there simply expires)"
        self.window.statusBar().showMessage(f"Signed out{where}. Your changes stay here.", STATUS_MESSAGE_MS)

    def _on_controller_offline_mode_set(self) -> None:
        self.window.queue_model.reload()
        self.window.statusBar().showMessage("Working offline only.", STATUS_MESSAGE_MS)

    def _on_controller_action_failed(self, exc: Exception) -> None:
        QMessageBox.warning(self.window, "Sync", error_text(exc))

    # --- actions -------------------------------------------------------------------------

    def _on_sync_now_triggered(self) -> None:
        self.controller.sync_now()

    def _on_sign_out_triggered(self) -> None:
        self.controller.sign_out()

    def _on_indicator_open_requested(self, target: str) -> None:
        {
            Target.SIGN_IN: self.open_login,
            Target.OUTBOX: self.open_outbox,
            Target.ERRORS: self.open_errors,
            Target.CONFLICTS: self.open_conflicts,
        }[Target(target)]()

    def open_login(self, server_url: str | None = None) -> LoginDialog:
        status = self.controller.status
        dialog = LoginDialog(
            self.context.sync,
            self.runner,
            server_url=server_url or (status.server_url if status else None),
            username=status.username if status else None,
            parent=self.window,
        )
        dialog.signed_in.connect(self._on_login_dialog_signed_in)
        self.login_dialog = dialog
        dialog.open()
        return dialog

    def _on_login_dialog_signed_in(self, result: LoginResult) -> None:
        self.window.statusBar().showMessage(f"Signed in to {result.server_url} as {result.name}.", STATUS_MESSAGE_MS)
        self.controller.reset_backoff()
        self.controller.sync_now()

    def apply_server_choice(self, server_url: str | None) -> None:
        """What the Settings dialog's Server section chose (``SettingsDialog.chosen_server_url()``)."""
        status = self.controller.status
        current = status.server_url if status else None
        if server_url is None:
            if current is not None:
                self.controller.work_offline_only()
        elif server_url != current or status is None or not status.logged_in:
            self.open_login(server_url)

    def open_outbox(self) -> ViewDialog:
        if self.outbox_dialog is None:
            view = OutboxView(self.context.sync, self.runner)
            self.outbox_dialog = self._view_dialog(view, "Outbox", 900, 520)
        return self._present(self.outbox_dialog)

    def open_errors(self) -> ViewDialog:
        if self.errors_dialog is None:
            view = ErrorsView(self.context.sync, self.runner, self._names)
            view.entry_resent.connect(self._on_view_changed_data)
            view.entry_discarded.connect(self._on_view_changed_data)
            self.errors_dialog = self._view_dialog(view, "Sync errors", 900, 620)
        return self._present(self.errors_dialog)

    def open_conflicts(self) -> ViewDialog:
        if self.conflicts_dialog is None:
            view = ConflictsView(self.context.sync, self.runner, self._names)
            view.conflict_resolved.connect(self._on_view_changed_data)
            self.conflicts_dialog = self._view_dialog(view, "Conflicts", 940, 620)
        return self._present(self.conflicts_dialog)

    def _names(self) -> Names:
        return directory_names(self.context)

    def _view_dialog(self, view: Any, title: str, width: int, height: int) -> ViewDialog:
        dialog = ViewDialog(view, title, self.window)
        dialog.resize(width, height)
        return dialog

    def _present(self, dialog: ViewDialog) -> ViewDialog:
        dialog.view.reload()
        dialog.present()
        dialog.view.table.setFocus()
        return dialog

    def _on_view_changed_data(self, _item: object) -> None:
        """A resend, a discard or a resolution changed local data and the outbox: show it, send it soon."""
        self.window.queue_model.reload()
        self.controller.refresh_status()
        self.controller.schedule_sync()
