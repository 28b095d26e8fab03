"""Wires email import into the main window: File > Import email, drops of email files or folders on
the window (the queue included), the quarantine list, the import settings and the watched folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from desktop_app.domain.mail import ImportOutcome, ImportResult, mail_options
from desktop_app.mail.files import is_email_name
from desktop_app.views.mail.folder_watcher import FolderWatcher
from desktop_app.views.mail.import_dialog import MailImportDialog, outcome_changes

if TYPE_CHECKING:
    from desktop_app.context import AppContext
    from desktop_app.views.mail.quarantine_dialog import QuarantineDialog
    from desktop_app.views.main_window import MainWindow

FILE_FILTER = "Email files (*.eml *.msg);;All files (*)"


def dropped_email_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    """Local email files and folders in a drag; anything else (text, images, web links) is not ours."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.is_dir() or is_email_name(path)]


class MailUi(QObject):
    """One per window; created when the services are there (``install_mail_ui``)."""

    def __init__(self, window: MainWindow, context: AppContext) -> None:
        super().__init__(window)
        self.setObjectName("mailUi")
        self.window = window
        self.context = context
        self.import_dialog: MailImportDialog | None = None
        self.quarantine_dialog: QuarantineDialog | None = None
        self.watcher = FolderWatcher(context.mail, window.runner, self)
        self.watcher.set_folder(context.settings.mail_watch_folder)
        # The window takes drops anywhere no child wants them; the queue's own viewport is watched too,
        # so a queue that one day accepts drops of its own (reassigning by drag) still lets email in.
        self.drop_targets = (window, window.queue.table.viewport())
        window.setAcceptDrops(True)
        for target in self.drop_targets:
            target.installEventFilter(self)
        self._connect_signals()

    def _connect_signals(self) -> None:
        actions = self.window.actions_by_id
        actions["import_email"].triggered.connect(self._on_import_email_triggered)
        actions["mail_quarantine"].triggered.connect(self.open_quarantine)
        actions["mail_settings"].triggered.connect(self._on_mail_settings_triggered)
        self.watcher.swept.connect(self._on_watcher_swept)

    # --- ways in -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched not in self.drop_targets:
            return super().eventFilter(watched, event)
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_email_paths(event):
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                return True
        elif event.type() == QEvent.Type.Drop:
            paths = dropped_email_paths(event)
            if paths:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                self.import_paths(paths)
                return True
        return super().eventFilter(watched, event)

    def _on_import_email_triggered(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.window, "Import email", str(Path.home()), FILE_FILTER)
        if files:
            self.import_paths([Path(name) for name in files])

    def import_paths(self, paths: list[Path]) -> MailImportDialog:
        """Show the progress dialog and run the import on the DB worker."""
        if self.import_dialog is not None and self.import_dialog.is_running():
            self.window.statusBar().showMessage("An email import is still running; drop the files again after it.")
            return self.import_dialog
        dialog = MailImportDialog(paths, self.window)
        dialog.finished_import.connect(self._on_import_dialog_finished_import)
        dialog.quarantine_requested.connect(self.open_quarantine)
        dialog.open_requested.connect(self.open_incident)
        self.import_dialog = dialog
        dialog.show()
        dialog.start(self.window.runner.run_db, self.context.mail)
        return dialog

    def open_incident(self, incident_id: object) -> None:
        """A result line double-clicked (or Enter): show that incident and select it in the queue."""

        def show(detail: object) -> None:
            self.window.show_detail(detail)
            self.window.queue.select_incident(incident_id)

        self.window.runner.run_db(
            self.context.incidents.get, incident_id, on_done=show, on_error=self.window._show_error
        )

    def _on_import_dialog_finished_import(self, outcomes: list[ImportOutcome]) -> None:
        self.window.bus.publish(outcome_changes(outcomes))
        created = [o for o in outcomes if o.result == ImportResult.CREATED]
        if len(outcomes) == 1 and outcomes[0].result in (ImportResult.CREATED, ImportResult.THREADED):
            # One message dropped: show where it landed, as logging a call does.
            incidents = self.context.incidents
            self.window.runner.run_db(incidents.get, outcomes[0].incident_id, on_done=self.window.show_detail)
        text = outcomes[0].summary if len(outcomes) == 1 else f"Email import: {len(created)} new incident(s)"
        self.window.statusBar().showMessage(text, 10000)
        if self.quarantine_dialog is not None and self.quarantine_dialog.isVisible():
            self.quarantine_dialog.reload()

    def _on_watcher_swept(self, outcomes: list[ImportOutcome]) -> None:
        self.window.bus.publish(outcome_changes(outcomes))
        kept = sum(o.result == ImportResult.QUARANTINED for o in outcomes)
        note = f", {kept} quarantined" if kept else ""
        self.window.statusBar().showMessage(f"Watched folder: {len(outcomes)} email file(s) imported{note}", 10000)

    # --- quarantine and settings ---------------------------------------------------------

    def open_quarantine(self) -> QuarantineDialog:
        from desktop_app.views.mail.quarantine_dialog import QuarantineDialog

        if self.quarantine_dialog is None:
            self.quarantine_dialog = QuarantineDialog(self.context.mail, self.window.runner.run_db, self.window)
            self.quarantine_dialog.imported.connect(lambda outcome: self.window.bus.publish(outcome_changes([outcome])))
        self.quarantine_dialog.show()
        self.quarantine_dialog.raise_()
        self.quarantine_dialog.reload()
        return self.quarantine_dialog

    def _on_mail_settings_triggered(self) -> None:
        from desktop_app.views.mail.mail_settings_dialog import MailSettingsDialog

        settings = self.context.settings
        dialog = MailSettingsDialog(
            settings.mail_watch_folder, settings.mail_size_limit_mb, settings.mail_reopen_resolved, self.window
        )
        self.mail_settings_dialog = dialog
        dialog.accepted.connect(lambda: self._apply_settings(dialog))
        dialog.open()

    def _apply_settings(self, dialog: object) -> None:
        from desktop_app.settings import save_settings

        settings = self.context.settings
        settings.mail_watch_folder = dialog.chosen_folder()
        settings.mail_size_limit_mb = dialog.limit.value()
        settings.mail_reopen_resolved = dialog.reopen.isChecked()
        self.context.mail.options = mail_options(settings)
        self.watcher.set_folder(settings.mail_watch_folder)
        self.window.runner.run_db(
            save_settings, self.context.paths.settings_file, settings, on_error=self.window._show_error
        )


def install_mail_ui(window: MainWindow, context: AppContext) -> MailUi:
    existing = window.findChild(MailUi)
    return existing if existing is not None else MailUi(window, context)
