"""File > Settings: load what the dialog shows, then apply each change through its own service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.domain.dtos import AgentSummary, Result
from desktop_app.domain.enums import Channel
from desktop_app.settings import save_settings
from desktop_app.sync.dtos import SyncStatus
from desktop_app.views.communication.smtp_settings_dialog import open_smtp_settings
from desktop_app.views.settings_dialog import SettingsDialog
from desktop_app.views.sla.sla_settings_dialog import open_sla_settings
from desktop_app.views.sync.integration import SyncUi

if TYPE_CHECKING:
    from desktop_app.views.main_window import MainWindow


def open_settings(window: MainWindow) -> None:
    context = window.context
    assert context is not None

    def load() -> tuple[AgentSummary, SyncStatus]:
        return context.directory.me(), context.sync.status()

    window.runner.run_db(load, on_done=lambda found: _show(window, *found), on_error=window._show_error)


def _show(window: MainWindow, me: AgentSummary, status: SyncStatus) -> None:
    context = window.context
    assert context is not None
    dialog = SettingsDialog(
        me, Channel(context.settings.default_channel), context.settings.matrix(), window, server_url=status.server_url
    )
    window.settings_dialog = dialog
    dialog.sla_button.clicked.connect(lambda: open_sla_settings(window))
    dialog.smtp_button.clicked.connect(lambda: open_smtp_settings(window))
    dialog.accepted.connect(lambda: _apply(window, dialog, me, status))
    dialog.open()


def _apply(window: MainWindow, dialog: SettingsDialog, me: AgentSummary, status: SyncStatus) -> None:
    context = window.context
    assert context is not None
    name = dialog.chosen_name()
    if name != me.name:

        def renamed(result: Result[AgentSummary]) -> None:
            window.bus.publish(result.changes)
            window.statusBar().showMessage(f"Your changes are now recorded as {result.value.name}", 5000)

        window.runner.run_db(context.directory.rename_me, name, on_done=renamed, on_error=window._show_error)
    channel = dialog.chosen_channel()
    if channel.value != context.settings.default_channel:
        context.settings.default_channel = channel.value
        window.runner.run_db(save_settings, context.paths.settings_file, context.settings, on_error=window._show_error)
    server_url = dialog.chosen_server_url()
    sync_ui = window.findChild(SyncUi)
    if sync_ui is not None and server_url != status.server_url:
        sync_ui.apply_server_choice(server_url)
