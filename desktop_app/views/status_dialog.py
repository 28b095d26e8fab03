"""Change an incident's status: only allowed targets are offered; the rule's needs are asked for."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.status_machine import allowed_targets
from desktop_app.views.widgets.error_banner import ErrorBanner

RESOLUTION_CODES = (
    "Solved (permanently)",
    "Solved (workaround)",
    "Not reproducible",
    "Duplicate",
    "User error / training",
    "Resolved by vendor",
)


class StatusDialog(QDialog):
    def __init__(self, detail: IncidentDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Change status of {detail.display_number}")
        self.setMinimumWidth(520)
        self.target = QComboBox(objectName="statusTarget")
        for status in allowed_targets(detail.status):
            self.target.addItem(status.label, status)
        self.hold_reason = QComboBox(objectName="holdReason")
        for reason in HoldReason:
            self.hold_reason.addItem(reason.label, reason)
        self.resolution_code = QComboBox(objectName="resolutionCode")
        self.resolution_code.setEditable(True)
        self.resolution_code.addItems(RESOLUTION_CODES)
        if detail.resolution_code:
            self.resolution_code.setCurrentText(detail.resolution_code)
        self.root_cause = QLineEdit(detail.root_cause or "", objectName="rootCause")
        self.steps = QPlainTextEdit(detail.resolution_steps or "", objectName="resolutionSteps")
        self.steps.setTabChangesFocus(True)
        self.steps.setFixedHeight(90)
        self.error = ErrorBanner()
        self.form = QFormLayout()
        self.form.addRow(f"From {detail.status.label} to", self.target)
        self.form.addRow("On-hold &reason", self.hold_reason)
        self.form.addRow("Resolution &code", self.resolution_code)
        self.form.addRow("Root &cause", self.root_cause)
        self.form.addRow("&Steps taken", self.steps)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change status")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(detail.title))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if self.target.count() == 0:
            self.error.show_message(f"A {detail.status.label.lower()} incident cannot change status.")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._connect_signals()
        self._update_rows()

    def _connect_signals(self) -> None:
        self.target.currentIndexChanged.connect(self._update_rows)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_accept_shortcut)

    def _on_accept_shortcut(self) -> None:
        # Same as the button: nothing to choose (a canceled incident) means nothing to accept.
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            self.accept()

    def _update_rows(self) -> None:
        target = self.target.currentData()
        self.form.setRowVisible(self.hold_reason, target == Status.ON_HOLD)
        closing = target in (Status.RESOLVED, Status.CLOSED)
        self.form.setRowVisible(self.resolution_code, closing)
        self.form.setRowVisible(self.steps, closing)
        self.form.setRowVisible(self.root_cause, target == Status.CLOSED)
        self.adjustSize()

    def chosen(self) -> dict[str, object]:
        """Keyword arguments for IncidentService.change_status."""
        # Item data comes back from Qt as plain str: a StrEnum loses its type on the way through.
        target = Status(self.target.currentData())
        values: dict[str, object] = {"target": target}
        if target == Status.ON_HOLD:
            values["hold_reason"] = HoldReason(self.hold_reason.currentData())
        if target in (Status.RESOLVED, Status.CLOSED):
            values["resolution_code"] = self.resolution_code.currentText()
            values["resolution_steps"] = self.steps.toPlainText()
        if target == Status.CLOSED:
            values["root_cause"] = self.root_cause.text()
        return values
