"""Settings a help-desk user changes: their display name and the channel new incidents start on.

The priority matrix stays in settings.json for now (an admin concern); it is shown here read-only
so an agent can see why an impact × urgency gives the priority it does.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import AgentSummary
from desktop_app.domain.enums import Channel, Priority
from desktop_app.domain.priority import LEVELS, PriorityMatrix
from desktop_app.views.widgets.error_banner import ErrorBanner
from desktop_app.views.widgets.priority_badge import PRIORITY_COLOURS


class SettingsDialog(QDialog):
    def __init__(
        self, me: AgentSummary, default_channel: Channel, matrix: PriorityMatrix, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(460)
        self.name = QLineEdit(me.name, objectName="settingsName")
        self.channel = QComboBox(objectName="settingsChannel")
        for channel in Channel:
            self.channel.addItem(channel.label, channel)
        self.channel.setCurrentIndex(self.channel.findData(default_channel))
        self.error = ErrorBanner()
        form = QFormLayout()
        form.addRow("Your &name", self.name)
        form.addRow("", QLabel(f"Signed in locally as {me.username}; every change records this name."))
        form.addRow("New incidents start on &channel", self.channel)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Priority matrix (impact down, urgency across; 1 is the most severe)"))
        layout.addLayout(self._matrix_grid(matrix))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._on_buttons_accepted)

    @staticmethod
    def _matrix_grid(matrix: PriorityMatrix) -> QGridLayout:
        grid = QGridLayout()
        for column, urgency in enumerate(LEVELS, start=1):
            grid.addWidget(QLabel(f"Urgency {urgency}"), 0, column)
        for row, impact in enumerate(LEVELS, start=1):
            grid.addWidget(QLabel(f"Impact {impact}"), row, 0)
            for column, urgency in enumerate(LEVELS, start=1):
                priority: Priority = matrix.priority(impact, urgency)
                background, foreground = PRIORITY_COLOURS[priority]
                cell = QLabel(priority.value, objectName=f"matrix_{impact}_{urgency}")
                cell.setStyleSheet(f"background: {background}; color: {foreground}; padding: 4px 10px;")
                grid.addWidget(cell, row, column)
        return grid

    def _on_buttons_accepted(self) -> None:
        if not self.name.text().strip():
            self.error.show_message("Your name cannot be empty: it is recorded on every change you make.")
            self.name.setFocus()
            return
        self.accept()

    def chosen_name(self) -> str:
        return self.name.text().strip()

    def chosen_channel(self) -> Channel:
        return self.channel.currentData()
