"""Change an incident's status: only allowed targets are offered; the rule's needs are asked for.

The one dialog behind Change status, Resolve, Close and Reopen (each opens it on its target): On Hold
asks for a reason; Resolve for a code from the list and notes; Close also for the root cause (category
and text) and whether the reporter was told, or why not; Reopen for a reason. What Close still lacks
is listed live with the domain's own rules, so the agent sees it before pressing the button.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
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

from desktop_app.domain.closure_rules import RESOLUTION_CODES, ROOT_CAUSE_CATEGORIES, ClosureFacts, closure_gaps
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.status_machine import allowed_targets, is_reopen
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
        self.hold_reason = QComboBox(objectName="holdReason")
        for reason in HoldReason:
            self.hold_reason.addItem(reason.label, reason)
        self.resolution_code = _combo("resolutionCode", RESOLUTION_CODES, detail.resolution_code)
        self.steps = QPlainTextEdit(detail.resolution_steps or "", objectName="resolutionSteps")
        self.steps.setTabChangesFocus(True)
        self.steps.setFixedHeight(80)
        self.steps.setPlaceholderText("What was done: the steps taken")
        self.cause_category = _combo("rootCauseCategory", ROOT_CAUSE_CATEGORIES, detail.root_cause_category)
        self.root_cause = QLineEdit(detail.root_cause or "", objectName="rootCause")
        self.root_cause.setPlaceholderText("Why it happened")
        self.informed = QCheckBox("The reporter was &informed", objectName="reporterInformed")
        self.informed.setChecked(bool(detail.reporter_informed))
        self.not_informed_reason = QLineEdit(detail.reporter_not_informed_reason or "", objectName="notInformedReason")
        self.not_informed_reason.setPlaceholderText("If not: why not (left the company, unreachable…)")
        self.reopen_reason = QLineEdit(objectName="reopenReason")
        self.reopen_reason.setPlaceholderText("Why it goes back to work")
        self.gaps = QLabel(objectName="closureGaps")
        self.gaps.setWordWrap(True)
        self.gaps.setStyleSheet("color: #8d6e00;")
        self.error = ErrorBanner()
        self.form = QFormLayout()
        self.form.addRow(f"From {detail.status.label} to", self.target)
        self.form.addRow("On-hold &reason", self.hold_reason)
        self.form.addRow("Resolution &code", self.resolution_code)
        self.form.addRow("Resolution &notes", self.steps)
        self.form.addRow("Root cause cate&gory", self.cause_category)
        self.form.addRow("Root ca&use", self.root_cause)
        self.form.addRow("", self.informed)
        self.form.addRow("Not informed &because", self.not_informed_reason)
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
        for combo in (self.resolution_code, self.cause_category):
            combo.currentIndexChanged.connect(self._update_gaps)
        for edit in (self.root_cause, self.not_informed_reason):
            edit.textChanged.connect(self._update_gaps)
        self.steps.textChanged.connect(self._update_gaps)
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
        closing = target == Status.CLOSED
        self.form.setRowVisible(self.hold_reason, target == Status.ON_HOLD)
        for widget in (self.resolution_code, self.steps):
            self.form.setRowVisible(widget, target in (Status.RESOLVED, Status.CLOSED))
        for widget in (self.cause_category, self.root_cause, self.informed):
            self.form.setRowVisible(widget, closing)
        self.form.setRowVisible(self.not_informed_reason, closing and not self.informed.isChecked())
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
        informed = self.informed.isChecked()
        return {
            "resolution_code": self.resolution_code.currentData(),
            "resolution_steps": self.steps.toPlainText(),
            "root_cause_category": self.cause_category.currentData(),
            "root_cause": self.root_cause.text(),
            "reporter_informed": informed,
            "reporter_not_informed_reason": None if informed else self.not_informed_reason.text(),
        }

    def chosen(self) -> dict[str, object]:
        """Keyword arguments for IncidentService.change_status."""
        target = self._target()
        values: dict[str, object] = {"target": target}
        if target == Status.ON_HOLD:
            values["hold_reason"] = HoldReason(self.hold_reason.currentData())
        documentation = self._documentation()
        if target in (Status.RESOLVED, Status.CLOSED):
            values["resolution_code"] = documentation["resolution_code"]
            values["resolution_steps"] = documentation["resolution_steps"]
        if target == Status.CLOSED:
            for key in ("root_cause_category", "root_cause", "reporter_informed", "reporter_not_informed_reason"):
                values[key] = documentation[key]
        if target is not None and is_reopen(self.current, target):
            values["reason"] = self.reopen_reason.text()
        return values


def _combo(name: str, choices: dict[str, str], current: str | None) -> QComboBox:
    """A list of (value, label) pairs, with an empty first entry: nothing chosen is a visible gap."""
    combo = QComboBox(objectName=name)
    combo.addItem("– choose –", None)
    for value, label in choices.items():
        combo.addItem(label, value)
    if current is not None:
        index = combo.findData(current)
        if index < 0:  # a code from before the list (or another deployment's): keep it, labelled as it is
            combo.addItem(current, current)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
    return combo
