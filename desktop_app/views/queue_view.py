"""The queue pane: a header with counts and the incident table (plain list until the queue issue)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop_app.views.item_models.queue_table_model import INCIDENT_ID_ROLE, QueueTableModel

COLUMN_WIDTHS = (92, 66, 270, 140, 170, 90, 120, 52, 108)


class QueueTable(QTableView):
    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # j/k like a mail reader; Enter opens the incident in the detail pane.
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            return
        if key == Qt.Key.Key_J and not event.modifiers():
            self._step(1)
            return
        if key == Qt.Key.Key_K and not event.modifiers():
            self._step(-1)
            return
        super().keyPressEvent(event)

    def _step(self, delta: int) -> None:
        row = max(0, min(self.currentIndex().row() + delta, self.model().rowCount() - 1))
        self.setCurrentIndex(self.model().index(row, 0))


class QueueView(QWidget):
    incident_selected = Signal(object)  # UUID or None
    open_requested = Signal(object)  # UUID

    def __init__(self, model: QueueTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.heading = QLabel("Queue", objectName="queueHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.count_label = QLabel("Loading…", objectName="queueCount")
        self.count_label.setStyleSheet("color: #455a64;")
        self.table = QueueTable(objectName="queueTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QVBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.open_requested.connect(self._on_table_open_requested)
        self.table.doubleClicked.connect(lambda _index: self._on_table_open_requested())
        self.model.total_changed.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        self.model.modelReset.connect(self._update_count)

    def _update_count(self, *_args: object) -> None:
        total = self.model.total
        loaded = self.model.loaded_count()
        noun = "incident" if total == 1 else "incidents"
        if loaded < total:
            self.count_label.setText(f"{total:,} {noun}, newest first · {loaded:,} loaded (scroll for more)")
        else:
            self.count_label.setText(f"{total:,} {noun}, newest first")

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.incident_selected.emit(current.data(INCIDENT_ID_ROLE) if current.isValid() else None)

    def _on_table_open_requested(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.open_requested.emit(current.data(INCIDENT_ID_ROLE))

    def current_incident_id(self) -> uuid.UUID | None:
        current = self.table.currentIndex()
        return current.data(INCIDENT_ID_ROLE) if current.isValid() else None

    def select_incident(self, incident_id: uuid.UUID) -> bool:
        row = self.model.row_of(incident_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True

    def focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, 0))
