"""A bulk email import on the DB worker: a progress bar, each file's outcome as it lands, and Cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import Change, ChangeSet
from desktop_app.domain.mail import ImportOutcome, ImportResult, count_by_result

OUTCOME_COLOURS = {
    ImportResult.CREATED: "#166534",
    ImportResult.THREADED: "#1d4ed8",
    ImportResult.DUPLICATE: "#6b7280",
    ImportResult.QUARANTINED: "#b91c1c",
    ImportResult.FAILED: "#b45309",
}


def outcome_changes(outcomes: list[ImportOutcome]) -> ChangeSet:
    """What the queue must show again: new incidents, and those a reply landed on."""
    changes = [
        Change("incident", o.incident_id, "created" if o.result == ImportResult.CREATED else "updated")
        for o in outcomes
        if o.incident_id is not None and o.result in (ImportResult.CREATED, ImportResult.THREADED)
    ]
    return ChangeSet(tuple(changes))


class ImportProgress(QObject):
    """Crosses from the worker thread to the GUI: Qt queues signals emitted on another thread."""

    progressed = Signal(int, int, object)  # done, total, ImportOutcome

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()

    def report(self, done: int, total: int, outcome: ImportOutcome) -> None:
        self.progressed.emit(done, total, outcome)

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class MailImportDialog(QDialog):
    """Shows one import from start to end; the import itself runs on the DB worker."""

    finished_import = Signal(object)  # list[ImportOutcome]
    quarantine_requested = Signal()
    open_requested = Signal(object)  # incident UUID: a result line was double-clicked

    def __init__(self, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importing email")
        self.setObjectName("mailImportDialog")
        self.setMinimumSize(620, 360)
        self.paths = paths
        self.progress = ImportProgress()
        self.outcomes: list[ImportOutcome] = []
        self.heading = QLabel(self._describe(paths), objectName="mailImportHeading")
        self.bar = QProgressBar(objectName="mailImportProgress")
        self.bar.setRange(0, 0)  # busy until the first file reports the total
        self.results = QListWidget(objectName="mailImportResults")
        self.results.setWordWrap(True)  # a quarantine reason is read whole, not cut at the edge
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.quarantine_button = QPushButton("Show &quarantine…", objectName="mailImportShowQuarantine")
        self.quarantine_button.setAutoDefault(False)
        self.buttons.addButton(self.quarantine_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.quarantine_button.setVisible(False)  # after addButton, which shows it
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self._running = True
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.progress.progressed.connect(self._on_progress_progressed)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.quarantine_button.clicked.connect(self.quarantine_requested)
        self.results.itemActivated.connect(self._on_results_item_activated)

    def start(self, run_db: Callable[..., Any], service: Any) -> None:
        run_db(
            lambda: service.import_paths(self.paths, progress=self.progress.report, cancelled=self.progress.cancelled),
            on_done=self.show_finished,
            on_error=self._on_import_failed,
        )

    @staticmethod
    def _describe(paths: list[Path]) -> str:
        if len(paths) == 1:
            kind = "folder" if paths[0].is_dir() else "file"
            return f"Importing the {kind} {paths[0].name}…"
        return f"Importing {len(paths)} files and folders…"

    def _on_progress_progressed(self, done: int, total: int, outcome: ImportOutcome) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.bar.setFormat(f"{done} of {total}")
        item = QListWidgetItem(outcome.summary)
        item.setForeground(QColor(OUTCOME_COLOURS[outcome.result]))
        item.setToolTip(outcome.source + ("\nRepaired: " + "; ".join(outcome.repairs) if outcome.repairs else ""))
        item.setData(Qt.ItemDataRole.UserRole, outcome.incident_id)
        self.results.addItem(item)
        self.results.scrollToBottom()

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        incident_id = item.data(Qt.ItemDataRole.UserRole)
        if incident_id is not None:
            self.open_requested.emit(incident_id)

    def _on_cancel_clicked(self) -> None:
        if not self._running:
            self.accept()
            return
        self.progress.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.heading.setText("Stopping after the message under way…")

    def show_finished(self, outcomes: list[ImportOutcome]) -> None:
        self._running = False
        self.outcomes = outcomes
        counts = count_by_result(outcomes)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items() if count) or "no email files found"
        stopped = " (cancelled)" if self.progress.cancelled() else ""
        self.heading.setText(f"Done{stopped}: {summary}.")
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1)
            self.bar.setValue(1)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.quarantine_button.setVisible(counts[ImportResult.QUARANTINED.value] > 0)
        self.finished_import.emit(outcomes)

    def _on_import_failed(self, exc: Exception) -> None:
        self.show_finished(self.outcomes)
        self.heading.setText(f"The import stopped: {getattr(exc, 'message', exc)}")

    def is_running(self) -> bool:
        return self._running

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self._running:
            self._on_cancel_clicked()
            return
        super().keyPressEvent(event)
