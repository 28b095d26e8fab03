"""Sign in to the help-desk server: address, user name, password; the server's answer shown inline.

The login runs on the I/O worker (it waits on the network). A refusal (bad password, unreachable,
too many attempts) comes back as the engine's message under the form, with the form kept. After a
sign-in on a computer with no keyring, the dialog stays open to say so before it closes.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.errors import HelpdeskError
from desktop_app.sync.dtos import LoginResult
from desktop_app.sync.engine import SyncEngine
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.error_banner import ErrorBanner

NO_KEYRING_NOTICE = "No secure keyring on this computer: you will be asked for your password next time."


class LoginDialog(QDialog):
    signed_in = Signal(object)  # LoginResult

    def __init__(
        self,
        engine: SyncEngine,
        runner: TaskRunner,
        *,
        server_url: str | None = None,
        username: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Sign in to the help-desk server")
        self.setMinimumWidth(480)
        self._engine = engine
        self._runner = runner
        self.result_value: LoginResult | None = None
        self.server_url = QLineEdit(server_url or "", objectName="loginServerUrl")
        self.server_url.setPlaceholderText("https://helpdesk.example.org")
        self.username = QLineEdit(username or "", objectName="loginUsername")
        self.username.setPlaceholderText("Your user name on the server")
        self.password = QLineEdit(objectName="loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        intro = QLabel(
            "Your changes are kept on this computer and sent when you are signed in and the server can be "
            "reached. Nothing is lost while you work offline."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.error = ErrorBanner()
        self.notice = QLabel(objectName="keyringNotice")
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel#keyringNotice { background: #fff4e0; color: #5c3b00; border: 1px solid #f0c36d;"
            " border-radius: 4px; padding: 6px 8px; }"
        )
        self.notice.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        form = QFormLayout()
        form.addRow("&Server", self.server_url)
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(self.buttons)
        self._connect_signals()
        first_empty = next((f for f in (self.server_url, self.username) if not f.text().strip()), self.password)
        first_empty.setFocus()

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_buttons_accepted)

    @property
    def busy(self) -> bool:
        return not self.sign_in_button.isEnabled()

    def _on_buttons_accepted(self) -> None:
        if self.result_value is not None:  # the keyring notice was read
            self.accept()
            return
        if self.busy:
            return
        self.error.clear()
        self._set_busy(True)
        self._runner.run_io(
            self._engine.login,
            self.server_url.text(),
            self.username.text(),
            self.password.text(),
            on_done=self._on_login_done,
            on_error=self._on_login_failed,
        )

    def _set_busy(self, busy: bool) -> None:
        for field in (self.server_url, self.username, self.password):
            field.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def _on_login_done(self, result: LoginResult) -> None:
        self.result_value = result
        self.password.clear()
        self.signed_in.emit(result)
        if result.remembered:
            self.accept()
            return
        self._set_busy(False)
        for field in (self.server_url, self.username, self.password):
            field.setEnabled(False)
        detail = f"<br><br>{html.escape(result.keyring_message)}" if result.keyring_message else ""
        who = html.escape(f"{result.name} ({result.username})")
        self.notice.setText(f"Signed in as {who}.<br><br><b>{NO_KEYRING_NOTICE}</b>{detail}")
        self.notice.show()
        self.adjustSize()
        self.sign_in_button.setText("OK")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.sign_in_button.setFocus()

    def _on_login_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        message = exc.message if isinstance(exc, HelpdeskError) else f"Signing in failed: {exc}"
        self.error.show_message(message)
        self.adjustSize()  # room for the message: the fields keep their height
        field = getattr(exc, "field", None)
        target = {"server_url": self.server_url, "username": self.username}.get(field or "", self.password)
        target.setFocus()
        target.selectAll()
