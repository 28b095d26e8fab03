"""Escalate an incident: to another group or tier (functional), to a supervisor (hierarchical), or a
supervisor's reassignment to anyone; each with a required reason. The server decides in the end."""

from __future__ import annotations

import uuid

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import AgentSummary, GroupSummary, IncidentDetail
from desktop_app.domain.escalation import MANAGER_ROLES, EscalationKind
from desktop_app.views.widgets.error_banner import ErrorBanner

HINTS = {
    EscalationKind.FUNCTIONAL: "Hands the incident to another group or tier; its members take it from there.",
    EscalationKind.HIERARCHICAL: "Sends it up to a supervisor, who decides; the group may stay.",
    EscalationKind.REASSIGNMENT: "A supervisor moves it to any group and person; the reason lands in the history.",
}


class EscalationDialog(QDialog):
    """Pure form: the owner loads groups and agents, and performs the escalation."""

    def __init__(
        self,
        detail: IncidentDetail,
        groups: list[GroupSummary],
        agents: list[AgentSummary],
        my_role: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.detail = detail
        self.setWindowTitle(f"Escalate {detail.display_number}")
        self.setMinimumWidth(520)
        self.kind = QComboBox(objectName="escalationKind")
        manager = my_role is None or my_role in MANAGER_ROLES
        for kind in EscalationKind:
            self.kind.addItem(kind.label, kind)
            if kind == EscalationKind.REASSIGNMENT and not manager:
                item = self.kind.model().item(self.kind.count() - 1)
                item.setEnabled(False)
                item.setToolTip("Only a supervisor or an admin reassigns with a reason.")
        self.group = QComboBox(objectName="escalationGroup")
        self.group.addItem("– no group –", None)
        for group in groups:
            self.group.addItem(group.name, group.id)
        self.agent = QComboBox(objectName="escalationAgent")
        self.agent.addItem("– nobody: the group takes it –", None)
        for agent in agents:
            self.agent.addItem(f"{agent.name} ({agent.username})", agent.id)
        self.reason = QPlainTextEdit(objectName="escalationReason")
        self.reason.setPlaceholderText("Why: what was tried, what is needed (required)")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.hint = QLabel(objectName="escalationHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #607d8b;")
        self.error = ErrorBanner()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Escalate")
        where = " / ".join(p for p in (detail.group_name, detail.assignee_name) if p) or "nobody"
        form = QFormLayout()
        form.addRow("&Kind", self.kind)
        form.addRow("&Group", self.group)
        form.addRow("&Person", self.agent)
        form.addRow("&Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{detail.title}\nNow with: {where}"))
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._on_kind_changed()

    def _connect_signals(self) -> None:
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_buttons_accepted)

    def chosen_kind(self) -> EscalationKind:
        return EscalationKind(self.kind.currentData())  # Qt hands a StrEnum back as plain str

    @property
    def group_id(self) -> uuid.UUID | None:
        return self.group.currentData()

    @property
    def assignee_id(self) -> uuid.UUID | None:
        return self.agent.currentData()

    @property
    def reason_text(self) -> str:
        return self.reason.toPlainText()

    def _on_kind_changed(self) -> None:
        kind = self.chosen_kind()
        self.hint.setText(HINTS[kind])
        # Hierarchical keeps the group and names the supervisor; the others start from the current group.
        self.group.setCurrentIndex(max(0, index_of(self.group, self.detail.group_id)))
        if kind == EscalationKind.FUNCTIONAL:
            self.agent.setCurrentIndex(0)
        self.agent.setEnabled(kind != EscalationKind.FUNCTIONAL or self.kind.model().item(2).isEnabled())
        self.error.clear()

    def _on_buttons_accepted(self) -> None:
        if not self.reason_text.strip():
            self.error.show_message("An escalation needs a reason: say what was tried and what is needed.")
            self.reason.setFocus()
            return
        self.accept()


def index_of(combo: QComboBox, value: object) -> int:
    """``findData`` for Python objects such as UUIDs, which Qt compares by identity, not by value."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)
