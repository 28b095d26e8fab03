"""Bulk change of the selected incidents: choose the change, preview it row by row, apply, undo.

On hold, Resolve and Close ask once for what the single status dialog asks (a hold reason; a
resolution code and notes; the root cause, its category and whether the reporter was told). A
documentation field left blank keeps what each incident already holds, so a Close of resolved
incidents keeps each one's own resolution. The preview (the service, with the domain's rules) says
per incident what will change and why any is refused; changing anything after it asks for a new one.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.bulk import BulkChange, PreviewLine
from desktop_app.domain.dtos import AgentSummary
from desktop_app.domain.enums import NoteKind, Priority, Status
from desktop_app.views.status_fields import StatusQuestions

KIND_LABELS = (
    ("status", "Change status"),
    ("priority", "Change priority"),
    ("category", "Change category"),
    ("assignee", "Assign or unassign"),
    ("note", "Add a note"),
)
BULK_STATUSES = (
    Status.NEW,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.RESOLVED,
    Status.CLOSED,
    Status.CANCELED,
)
COLUMNS = ("Number", "Title", "Now", "After", "Refused because")


class BulkDialog(QDialog):
    preview_requested = Signal(object)  # BulkChange
    apply_requested = Signal(object)  # BulkChange

    def __init__(self, count: int, agents: list[AgentSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkDialog")
        self.setWindowTitle(f"Bulk change of {count:,} incident{'s' if count != 1 else ''}")
        self.resize(1000, 700)
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
        self.pages.addWidget(self._status_page())
        for rows in (
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
        # The questions take only the room they need; the preview table gets the rest.
        self.pages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.preview_button = QPushButton("&Preview", objectName="bulkPreview")
        self.table = QTableWidget(0, len(COLUMNS), objectName="bulkPreviewTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.message = QLabel(objectName="bulkMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        layout.addWidget(self.pages)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._update_status_rows()

    @property
    def apply_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Apply)

    # --- the status page: the single status dialog's questions, asked once ------------------

    def _status_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("Status", self.status)
        self.questions = StatusQuestions(form, many=True)
        q = self.questions
        self.hold_reason, self.resolution_code, self.steps = q.hold_reason, q.resolution_code, q.steps
        self.cause_category, self.root_cause, self.informed = q.cause_category, q.root_cause, q.informed
        self.not_informed_reason = q.not_informed_reason
        return page

    def _status_target(self) -> Status:
        return Status(str(self.status.currentData()))  # Qt hands a StrEnum back as plain str

    def _update_status_rows(self) -> None:
        self.questions.show_for(self._status_target())

    # --- signals ----------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.status.currentIndexChanged.connect(self._update_status_rows)
        # Anything changed after a preview needs a new one before Apply.
        self.questions.on_change(self._invalidate_preview)
        for combo in (self.status, self.priority, self.assignee):
            combo.currentIndexChanged.connect(self._invalidate_preview)
        for edit in (self.reason, self.category):
            edit.textChanged.connect(self._invalidate_preview)
        self.note.textChanged.connect(self._invalidate_preview)
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.change()))
        self.apply_button.clicked.connect(lambda: self.apply_requested.emit(self.change()))
        self.buttons.rejected.connect(self.reject)

    def _on_kind_changed(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self._invalidate_preview()

    def _invalidate_preview(self) -> None:
        if self.table.rowCount():
            self.message.setText("Changed since the preview: preview again before applying.")
        self.table.setRowCount(0)
        self.apply_button.setEnabled(False)

    # --- what to do -------------------------------------------------------------------------

    def change(self) -> BulkChange:
        kind = self.kind.currentData()
        if kind == "status":
            return self._status_change()
        if kind == "priority":
            reason = self.reason.text().strip() or None
            return BulkChange("priority", priority=Priority(str(self.priority.currentData())), reason=reason)
        if kind == "category":
            return BulkChange("category", category_path=self.category.text().strip() or None)
        if kind == "assignee":
            chosen = self.assignee.currentData()
            return BulkChange("assignee", assignee_id=uuid.UUID(chosen) if chosen else None)
        return BulkChange("note", note=self.note.toPlainText(), note_kind=NoteKind.WORKLOG)

    def _status_change(self) -> BulkChange:
        target = self._status_target()
        return BulkChange("status", status=target, **self.questions.answers_for(target))  # type: ignore[arg-type]

    def show_preview(self, lines: list[PreviewLine]) -> None:
        # The refused first: with a long selection they are what needs reading before Apply.
        lines = sorted(lines, key=lambda line: line.problem is None)
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            after = line.after if line.problem is None else "(unchanged)"
            texts = (line.number, line.title, line.before, after, line.problem or "")
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if line.problem is not None:
                    item.setForeground(Qt.GlobalColor.darkGray if column < 4 else Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        # Titles and reasons can be long: the title column is capped, the reason column takes the rest
        # and wraps, so nothing is cut off at the dialog's edge.
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 240))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeRowsToContents()
        changing = sum(1 for line in lines if line.changes)
        refused = sum(1 for line in lines if line.problem is not None)
        text = f"{changing:,} of {len(lines):,} will change"
        text += f"; {refused:,} refused (reasons in the last column)" if refused else ""
        self.message.setText(text + ". Apply to go ahead; one undo is kept.")
        self.apply_button.setEnabled(changing > 0)
