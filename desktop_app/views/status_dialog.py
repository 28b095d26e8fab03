"""Change an incident's status: only allowed targets are offered; the rule's needs are asked for.

The one dialog behind Change status, Resolve, Close and Reopen (each opens it on its target): On Hold
asks for a reason; Resolve for a code from the list and notes; Close also for the root cause (category
and text) and whether the reporter was told, or why not; Reopen for a reason. What Close still lacks
is listed live with the domain's own rules, so the agent sees it before pressing the button.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.closure_rules import ClosureFacts, closure_gaps
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import Status
from desktop_app.domain.status_machine import allowed_targets, is_reopen
from desktop_app.views.status_fields import StatusQuestions
from desktop_app.views.widgets.error_banner import ErrorBanner


class StatusDialog(QDialog):
    def __init__(self, detail: IncidentDetail, parent: QWidget | None = None, target: Status | None = None) -> None:
        super().__init__(parent)
        self.current = detail.status
        self.setWindowTitle(f"Change status of {detail.display_number}")
        self.setMinimumWidth(560)
        self.target = QComboBox(objectName="statusTarget")
        for status in allowed_targets(detail.status):
            self.target.addItem("Reopen (in progress)" if is_reopen(detail.status, status) else status.label, status)
        if target is not None and self.target.findData(target) >= 0:
            self.target.setCurrentIndex(self.target.findData(target))
        self.reopen_reason = QLineEdit(objectName="reopenReason")
        self.reopen_reason.setPlaceholderText("Why it goes back to work")
        self.gaps = QLabel(objectName="closureGaps")
        self.gaps.setWordWrap(True)
        self.gaps.setStyleSheet("color: #8d6e00;")
        self.error = ErrorBanner()
        self.form = QFormLayout()
        self.form.addRow(f"From {detail.status.label} to", self.target)
        self.questions = StatusQuestions(self.form, detail)
        q = self.questions
        self.hold_reason, self.resolution_code, self.steps = q.hold_reason, q.resolution_code, q.steps
        self.cause_category, self.root_cause, self.informed = q.cause_category, q.root_cause, q.informed
        self.not_informed_reason = q.not_informed_reason
        self.form.addRow("Reopen &reason", self.reopen_reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change status")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(detail.title))
        layout.addLayout(self.form)
        layout.addWidget(self.gaps)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if self.target.count() == 0:
            self.error.show_message(f"A {detail.status.label.lower()} incident cannot change status.")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._connect_signals()
        self._update_rows()

    def _connect_signals(self) -> None:
        self.target.currentIndexChanged.connect(self._update_rows)
        self.questions.on_change(self._update_gaps)
        self.informed.toggled.connect(self._update_rows)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_accept_shortcut)

    def _on_accept_shortcut(self) -> None:
        # Same as the button: nothing to choose (a canceled incident) means nothing to accept.
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            self.accept()

    def _target(self) -> Status | None:
        data = self.target.currentData()
        return Status(data) if data is not None else None  # Qt hands a StrEnum back as plain str

    def _update_rows(self) -> None:
        target = self._target()
        self.questions.show_for(target)
        self.form.setRowVisible(self.reopen_reason, target is not None and is_reopen(self.current, target))
        self._update_gaps()
        self.adjustSize()

    def _update_gaps(self) -> None:
        if self._target() != Status.CLOSED:
            self.gaps.hide()
            return
        problems = closure_gaps(ClosureFacts(**self._documentation()))
        self.gaps.setText("Still needed to close:\n" + "\n".join(f"• {p.message}" for p in problems))
        self.gaps.setVisible(bool(problems))

    def _documentation(self) -> dict[str, object]:
        return self.questions.documentation()

    def chosen(self) -> dict[str, object]:
        """Keyword arguments for IncidentService.change_status."""
        target = self._target()
        values: dict[str, object] = {"target": target, **self.questions.answers_for(target)}
        if target is not None and is_reopen(self.current, target):
            values["reason"] = self.reopen_reason.text()
        return values
