"""Bulk change of the selected incidents: choose the change, preview it row by row, apply, undo."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.bulk import BulkChange, PreviewLine
from desktop_app.domain.dtos import AgentSummary
from desktop_app.domain.enums import NoteKind, Priority, Status

KIND_LABELS = (
    ("status", "Change status"),
    ("priority", "Change priority"),
    ("category", "Change category"),
    ("assignee", "Assign or unassign"),
    ("note", "Add a note"),
)
BULK_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.CANCELED)


class BulkDialog(QDialog):
    preview_requested = Signal(object)  # BulkChange
    apply_requested = Signal(object)  # BulkChange

    def __init__(self, count: int, agents: list[AgentSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkDialog")
        self.setWindowTitle(f"Bulk change of {count:,} incident{'s' if count != 1 else ''}")
        self.resize(720, 480)
        self.kind = QComboBox(objectName="bulkKind")
        for key, label in KIND_LABELS:
            self.kind.addItem(label, key)
        self.status = QComboBox(objectName="bulkStatus")
        for status in BULK_STATUSES:
            self.status.addItem(status.label, status.value)
        self.priority = QComboBox(objectName="bulkPriority")
        for priority in Priority:
            self.priority.addItem(priority.label, priority.value)
        self.reason = QLineEdit(objectName="bulkReason")
        self.reason.setPlaceholderText("Why the priority differs from impact × urgency")
        self.category = QLineEdit(objectName="bulkCategory")
        self.category.setPlaceholderText("Network > Connectivity")
        self.assignee = QComboBox(objectName="bulkAssignee")
        self.assignee.addItem("(unassign)", None)
        for agent in agents:
            self.assignee.addItem(agent.name, str(agent.id))
        self.note = QPlainTextEdit(objectName="bulkNote")
        self.note.setPlaceholderText("The note every selected incident gets (notes cannot be undone)")
        self.pages = QStackedWidget()
        for rows in (
            [("Status", self.status)],
            [("Priority", self.priority), ("Reason", self.reason)],
            [("Category", self.category)],
            [("Assignee", self.assignee)],
            [("Note", self.note)],
        ):
            page = QWidget()
            form = QFormLayout(page)
            for label, widget in rows:
                form.addRow(label, widget)
            self.pages.addWidget(page)
        self.preview_button = QPushButton("&Preview", objectName="bulkPreview")
        self.table = QTableWidget(0, 4, objectName="bulkPreviewTable")
        self.table.setHorizontalHeaderLabels(["Number", "Title", "Now", "After"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = QLabel(objectName="bulkMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        layout.addWidget(self.pages)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.change()))
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(
            lambda: self.apply_requested.emit(self.change())
        )
        self.buttons.rejected.connect(self.reject)

    def _on_kind_changed(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.table.setRowCount(0)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(False)

    def change(self) -> BulkChange:
        kind = self.kind.currentData()
        if kind == "status":
            return BulkChange("status", status=Status(str(self.status.currentData())))
        if kind == "priority":
            reason = self.reason.text().strip() or None
            return BulkChange("priority", priority=Priority(str(self.priority.currentData())), reason=reason)
        if kind == "category":
            return BulkChange("category", category_path=self.category.text().strip() or None)
        if kind == "assignee":
            chosen = self.assignee.currentData()
            return BulkChange("assignee", assignee_id=uuid.UUID(chosen) if chosen else None)
        return BulkChange("note", note=self.note.toPlainText(), note_kind=NoteKind.WORKLOG)

    def show_preview(self, lines: list[PreviewLine]) -> None:
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            after = line.after if line.problem is None else f"skipped: {line.problem}"
            for column, text in enumerate((line.number, line.title, line.before, after)):
                item = QTableWidgetItem(text)
                if line.problem is not None:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        changing = sum(1 for line in lines if line.changes)
        self.message.setText(f"{changing:,} of {len(lines):,} will change. Apply to go ahead; one undo is kept.")
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(changing > 0)
