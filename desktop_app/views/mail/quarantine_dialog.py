"""Email the import refused: the reason for each, and retry, open the raw file, or discard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.mail import MEGABYTE, ImportOutcome, ImportResult, QuarantineEntry

COLUMNS = ("File", "Size", "Reason", "Tries", "Last tried")


def size_text(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB" if size >= MEGABYTE / 10 else f"{max(1, round(size / 1024))} KB"


class QuarantineDialog(QDialog):
    imported = Signal(object)  # ImportOutcome of a successful retry

    def __init__(self, service: Any, run_db: Callable[..., Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Email quarantine")
        self.setObjectName("mailQuarantineDialog")
        self.resize(900, 380)
        self.service = service
        self.run_db = run_db
        self.entries: list[QuarantineEntry] = []
        self.table = QTableWidget(0, len(COLUMNS), objectName="mailQuarantineTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.status = QLabel("", objectName="mailQuarantineStatus")
        self.status.setWordWrap(True)
        self.retry_button = QPushButton("&Retry", objectName="mailQuarantineRetry")
        self.open_button = QPushButton("&Open raw file", objectName="mailQuarantineOpen")
        self.discard_button = QPushButton("&Discard…", objectName="mailQuarantineDiscard")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.retry_button, self.open_button, self.discard_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Messages the import refused. Fix the cause (or raise the limit), then retry; the file stays here.")
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._connect_signals()
        self._update_buttons()

    def _connect_signals(self) -> None:
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.retry_button.clicked.connect(self._on_retry_clicked)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.discard_button.clicked.connect(self._on_discard_clicked)

    def reload(self) -> None:
        self.run_db(self.service.list_quarantine, on_done=self.show_entries, on_error=self._show_error)

    def show_entries(self, entries: list[QuarantineEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (
                entry.original_name,
                size_text(entry.size),
                entry.reason,
                str(entry.attempts),
                entry.last_attempt_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(entry.reason if column == 2 else value)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if entries:
            self.table.selectRow(0)
        else:
            self.status.setText("The quarantine is empty.")
        self._update_buttons()

    def selected(self) -> QuarantineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.retry_button, self.open_button, self.discard_button):
            button.setEnabled(chosen)

    def _on_retry_clicked(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.status.setText(f"Retrying {entry.original_name}…")
            self.run_db(self.service.retry, entry.id, on_done=self._on_retried, on_error=self._show_error)

    def _on_retried(self, outcome: ImportOutcome) -> None:
        self.status.setText(outcome.summary)
        if outcome.result not in (ImportResult.QUARANTINED, ImportResult.FAILED):
            self.imported.emit(outcome)
        self.reload()

    def _on_open_clicked(self) -> None:
        entry = self.selected()
        if entry is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(entry.stored_path)):
            self.status.setText(f"No program opens it here; the file is {entry.stored_path}")

    def _on_discard_clicked(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        answer = QMessageBox.question(
            self, "Discard message", f"Delete {entry.original_name} and its kept file? This cannot be undone."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.discard(entry)

    def discard(self, entry: QuarantineEntry) -> None:
        def done(_: object) -> None:
            self.status.setText(f"Discarded {entry.original_name}.")
            self.reload()

        self.run_db(self.service.discard, entry.id, on_done=done, on_error=self._show_error)

    def _show_error(self, exc: Exception) -> None:
        self.status.setText(getattr(exc, "message", str(exc)))
