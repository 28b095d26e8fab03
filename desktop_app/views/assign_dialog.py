"""Assign an incident to a group and an agent, with type-ahead; either may be cleared."""

from __future__ import annotations

import uuid

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.dtos import AgentSummary, GroupSummary, IncidentDetail
from desktop_app.views.widgets.error_banner import ErrorBanner
from desktop_app.views.widgets.type_ahead import Suggestion, TypeAheadLineEdit


class AssignDialog(QDialog):
    """Pure form: the owner loads groups and agents and performs the assignment."""

    def __init__(
        self,
        detail: IncidentDetail,
        groups: list[GroupSummary],
        agents: list[AgentSummary],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Assign {detail.display_number}")
        self.setMinimumWidth(460)
        self._groups = groups
        self._agents = agents
        self.group_id: uuid.UUID | None = detail.group_id
        self.assignee_id: uuid.UUID | None = detail.assignee_id
        self.group = TypeAheadLineEdit(debounce_ms=0, objectName="assignGroup")
        self.group.setPlaceholderText("Group (empty: no group)")
        self.group.setText(detail.group_name or "")
        self.agent = TypeAheadLineEdit(debounce_ms=0, objectName="assignAgent")
        self.agent.setPlaceholderText("Agent (empty: unassigned)")
        self.agent.setText(detail.assignee_name or "")
        self.error = ErrorBanner()
        hint = QLabel("Type to search · Enter picks · clear a field to unassign · Ctrl+Enter assigns")
        hint.setStyleSheet("color: #607d8b;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Assign")
        form = QFormLayout()
        form.addRow("&Group", self.group)
        form.addRow("&Agent", self.agent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(detail.title))
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.group.query_changed.connect(self._on_group_query_changed)
        self.agent.query_changed.connect(self._on_agent_query_changed)
        self.group.suggestion_accepted.connect(lambda s: setattr(self, "group_id", s.key))
        self.agent.suggestion_accepted.connect(lambda s: setattr(self, "assignee_id", s.key))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_buttons_accepted)

    def _on_group_query_changed(self, query: str) -> None:
        needle = query.casefold().strip()
        hits = [g for g in self._groups if needle in g.name.casefold()]
        self.group.set_suggestions([Suggestion(g.id, g.name, g.description or "") for g in hits], for_query=query)

    def _on_agent_query_changed(self, query: str) -> None:
        needle = query.casefold().strip()
        group_id = self.group_id

        def rank(agent: AgentSummary) -> tuple[int, str]:
            return (0 if group_id is None or group_id in agent.group_ids else 1, agent.name)

        hits = sorted((a for a in self._agents if needle in a.name.casefold() or needle in a.username), key=rank)
        suggestions = [Suggestion(a.id, a.name + (" (me)" if a.is_self else ""), a.username, fill=a.name) for a in hits]
        self.agent.set_suggestions(suggestions, for_query=query)

    def _on_buttons_accepted(self) -> None:
        """Resolve what the fields say: a picked suggestion, an exact name, or empty for none."""
        group_text = self.group.text().strip()
        agent_text = self.agent.text().strip()
        if not group_text:
            self.group_id = None
        elif self.group.accepted is None:
            match = [g for g in self._groups if g.name.casefold() == group_text.casefold()]
            if not match:
                self.error.show_message(f"There is no group {group_text!r}; pick one from the suggestions.")
                self.group.setFocus()
                return
            self.group_id = match[0].id
        if not agent_text:
            self.assignee_id = None
        elif self.agent.accepted is None:
            match = [a for a in self._agents if agent_text.casefold() in (a.name.casefold(), a.username.casefold())]
            if len(match) != 1:
                self.error.show_message(f"No single agent is called {agent_text!r}; pick one from the suggestions.")
                self.agent.setFocus()
                return
            self.assignee_id = match[0].id
        self.accept()
