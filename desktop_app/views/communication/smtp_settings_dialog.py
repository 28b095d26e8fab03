"""Settings › Replies by email: this client's SMTP server for replies to reporters. The password goes to
the OS keyring only; with no host set, replies open the user's mail client instead. A client that syncs
with a server leaves sending to the server's own SMTP settings."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.errors import ValidationError
from desktop_app.mail.smtp_account import smtp_config, smtp_password, store_smtp_password
from desktop_app.settings import Settings, save_settings
from desktop_app.views.widgets.error_banner import ErrorBanner
from sync_protocol.smtp_delivery import DEFAULT_PORTS

SECURITY_LABELS = {"starttls": "STARTTLS (port 587)", "tls": "TLS (port 465)", "none": "None (local relay)"}


class SmtpSettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Replies by email")
        self.setMinimumWidth(480)
        self.settings = settings
        self.host = QLineEdit(settings.smtp_host, objectName="smtpHost")
        self.host.setPlaceholderText("smtp.example.org (empty: open the mail client instead)")
        self.port = QSpinBox(objectName="smtpPort")
        self.port.setRange(1, 65535)
        self.port.setValue(settings.smtp_port)
        self.security = QComboBox(objectName="smtpSecurity")
        for value, label in SECURITY_LABELS.items():
            self.security.addItem(label, value)
        self.security.setCurrentIndex(max(self.security.findData(settings.smtp_security), 0))
        self.username = QLineEdit(settings.smtp_username, objectName="smtpUsername")
        self.password = QLineEdit(objectName="smtpPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_address = QLineEdit(settings.smtp_sender, objectName="smtpSender")
        self.from_address.setPlaceholderText("servicedesk@example.org (default: the user name)")
        current = self._config()
        if current is not None and smtp_password(current):
            self.password.setPlaceholderText("(kept in the keyring; type to change)")
        self.error = ErrorBanner()
        form = QFormLayout()
        form.addRow("SMTP &server", self.host)
        form.addRow("&Security", self.security)
        form.addRow("&Port", self.port)
        form.addRow("&User name", self.username)
        form.addRow("Pass&word", self.password)
        form.addRow("&From address", self.from_address)
        hint = QLabel(
            "The password is kept in your system keyring, never in a file. When this computer syncs with a "
            "server, the server sends replies with its own settings."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.security.currentIndexChanged.connect(self._on_security_changed)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)

    def _on_security_changed(self) -> None:
        if self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[str(self.security.currentData())])

    def _config(self) -> Any:
        return smtp_config(
            self.host.text(),
            self.port.value(),
            str(self.security.currentData()),
            self.username.text(),
            self.from_address.text(),
        )

    def _on_save(self) -> None:
        try:
            config = self._config()
            if config is not None and self.password.text():
                store_smtp_password(config, self.password.text())
        except ValidationError as exc:
            self.error.show_message(exc.message)
            return
        if config is not None and "@" not in config.sender:
            self.error.show_message("Give the From address replies are sent from (or a user name that is one).")
            return
        self.settings.smtp_host = self.host.text().strip()
        self.settings.smtp_port = self.port.value()
        self.settings.smtp_security = str(self.security.currentData())
        self.settings.smtp_username = self.username.text().strip()
        self.settings.smtp_sender = self.from_address.text().strip()
        self.accept()


def open_smtp_settings(window: Any) -> None:
    context = window.context
    dialog = SmtpSettingsDialog(context.settings, window)
    window.smtp_settings_dialog = dialog

    def save() -> None:
        window.runner.run_db(save_settings, context.paths.settings_file, context.settings, on_error=window._show_error)
        window.statusBar().showMessage("Email settings saved.", 5000)

    dialog.accepted.connect(save)
    dialog.open()
