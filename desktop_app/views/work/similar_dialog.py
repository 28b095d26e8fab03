"""Similar incidents (open and recent, the same category first) with their workarounds, and the known
errors that match; one key links the current incident under one (P) or as its duplicate (D)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.services.knowledge_service import KnownError
from desktop_app.services.similar_service import SimilarIncident
from desktop_app.views.widgets.error_banner import ErrorBanner

COLUMNS = ("Number", "Status", "Title", "Category", "Workaround")


class SimilarDialog(QDialog):
    link_requested = Signal(object, bool)  # the other incident's id, as a duplicate (else: as the parent)
    open_requested = Signal(object)  # an incident id

    def __init__(
        self,
        detail: IncidentDetail,
        similar: list[SimilarIncident],
        known: list[KnownError],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.detail = detail
        self.similar = similar
        self.setWindowTitle(f"Similar to {detail.display_number}")
        self.resize(860, 460)
        self.table = QTableWidget(len(similar), len(COLUMNS), objectName="similarTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, item in enumerate(similar):
            mark = "● " if item.same_category else ""
            values = (item.display_number, item.status.label, mark + item.title, item.category_path or "–")
            for column, value in enumerate((*values, item.workaround or "–")):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if similar:
            self.table.selectRow(0)
        self.known = QListWidget(objectName="knownErrors")
        for entry in known:
            self.known.addItem(f"{entry.symptom}  →  {entry.workaround}  [{entry.category_path or 'any category'}]")
        if not known:
            self.known.addItem("No known error matches.")
        self.known.setFixedHeight(90)
        self.error = ErrorBanner()
        hint = QLabel("P: link this incident under the selected one · D: mark it a duplicate · Enter: open it")
        hint.setStyleSheet("color: #607d8b;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        empty = "Nothing open or recent looks like this one." if not similar else "● the same category"
        layout.addWidget(QLabel(f"{detail.title} — {empty}"))
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Known errors"))
        layout.addWidget(self.known)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.rejected.connect(self.reject)
        # A filter, not shortcuts: the table would take P and D for its type-to-find first.
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self._open)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in KEY_ACTIONS:
                KEY_ACTIONS[key](self)
                return True
        return super().eventFilter(watched, event)

    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return self.similar[rows[0].row()].id if rows else None

    def _link(self, *, duplicate: bool) -> None:
        chosen = self.selected_id()
        if chosen is None:
            self.error.show_message("Select an incident first.")
            return
        self.link_requested.emit(chosen, duplicate)

    def _open(self) -> None:
        chosen = self.selected_id()
        if chosen is not None:
            self.open_requested.emit(chosen)
            self.accept()


KEY_ACTIONS = {
    Qt.Key.Key_P: lambda dialog: dialog._link(duplicate=False),
    Qt.Key.Key_D: lambda dialog: dialog._link(duplicate=True),
    Qt.Key.Key_Return: lambda dialog: dialog._open(),
    Qt.Key.Key_Enter: lambda dialog: dialog._open(),
}
