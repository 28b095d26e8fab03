"""Settings a help-desk user changes: their display name, the channel new incidents start on, the server.

The priority matrix stays in settings.json for now (an admin concern); it is shown here read-only
so an agent can see why an impact × urgency gives the priority it does.

Server: "Work offline only" (the default) or "Sync with a server" at an address. The dialog only
asks; the owner applies the choice through the sync engine (``SyncUi.apply_server_choice``: a new
address opens the sign-in dialog, whose login stores it; offline only signs out and clears it).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import AgentSummary
from desktop_app.domain.enums import Channel, Priority
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.priority import LEVELS, PriorityMatrix
from desktop_app.sync.http import normalise_server_url
from desktop_app.views.widgets.error_banner import ErrorBanner
from desktop_app.views.widgets.priority_badge import PRIORITY_COLOURS


class SettingsDialog(QDialog):
    def __init__(
        self,
        me: AgentSummary,
        default_channel: Channel,
        matrix: PriorityMatrix,
        parent: QWidget | None = None,
        *,
        server_url: str | None = None,
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
        layout.addWidget(self._server_box(server_url))
        layout.addWidget(QLabel("Priority matrix (impact down, urgency across; 1 is the most severe)"))
        layout.addLayout(self._matrix_grid(matrix))
        # The SLA page is its own dialog (views/sla/sla_settings_dialog.py), opened by settings_flow.
        self.sla_button = QPushButton("S&LA targets, business hours and holidays…", objectName="slaSettingsButton")
        layout.addWidget(self.sla_button)
        self.smtp_button = QPushButton("Replies by &email (SMTP server)…", objectName="smtpSettingsButton")
        layout.addWidget(self.smtp_button)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.sync_with_server.toggled.connect(self._on_sync_with_server_toggled)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._on_buttons_accepted)

    def _server_box(self, server_url: str | None) -> QGroupBox:
        self.offline_only = QRadioButton("Work &offline only (nothing leaves this computer)", objectName="offlineOnly")
        self.sync_with_server = QRadioButton("S&ync with a server:", objectName="syncWithServer")
        self.server_url = QLineEdit(server_url or "", objectName="settingsServerUrl")
        self.server_url.setPlaceholderText("https://helpdesk.example.org")
        (self.sync_with_server if server_url else self.offline_only).setChecked(True)
        self.server_url.setEnabled(bool(server_url))
        hint = QLabel("A new server address asks you to sign in; your changes are kept either way.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        box = QGroupBox("Server")
        grid = QGridLayout(box)
        grid.addWidget(self.offline_only, 0, 0, 1, 2)
        grid.addWidget(self.sync_with_server, 1, 0)
        grid.addWidget(self.server_url, 1, 1)
        grid.addWidget(hint, 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return box

    def _on_sync_with_server_toggled(self, checked: bool) -> None:
        self.server_url.setEnabled(checked)
        if checked:
            self.server_url.setFocus()

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
        if self.sync_with_server.isChecked():
            try:
                normalise_server_url(self.server_url.text())
            except ValidationError as exc:
                self.error.show_message(exc.message)
                self.server_url.setFocus()
                return
        self.accept()

    def chosen_name(self) -> str:
        return self.name.text().strip()

    def chosen_channel(self) -> Channel:
        return Channel(self.channel.currentData())  # Qt hands the enum back as a plain str

    def chosen_server_url(self) -> str | None:
        """None: work offline only; else the server's address, normalised."""
        if self.offline_only.isChecked():
            return None
        return normalise_server_url(self.server_url.text())
