"""Reply to the reporter: pick a canned response, edit it, see the message as the reporter will read it
(rendered on every keystroke, with warnings for placeholders without a value), send, and read the
incident's communication log with each message's delivery state."""

from __future__ import annotations

import html
import re

from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.canned_responses import Rendered, render
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.messages import DeliveryState, MessageView, ReplyContext, Route
from desktop_app.views.widgets.error_banner import ErrorBanner

ROUTE_HINTS = {
    Route.SERVER: "Sent by the server after the next sync (it waits in the outbox while offline).",
    Route.SMTP: "Sent by your SMTP server (File › Settings › Replies by email).",
    Route.MAILTO: "No SMTP server set up: your mail client opens with this message; it is logged here.",
}
STATE_COLOURS = {
    DeliveryState.SENT: "#1b5e20",
    DeliveryState.QUEUED: "#8a5a00",
    DeliveryState.FAILED: "#b71c1c",
    DeliveryState.MAIL_CLIENT: "#37474f",
}
NO_TEMPLATE = "(no template: write your own)"
UNFILLED = re.compile(r"\{([^{}\s]+)\}")


class ReplyDialog(QDialog):
    """Pure form over a ``ReplyContext`` (services/communication_service.py); the owner sends."""

    def __init__(self, detail: IncidentDetail, reply: ReplyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reply to the reporter of {detail.display_number}")
        self.resize(900, 640)
        self.reply = reply
        self.values: dict[str, str | None] = reply.values
        self.templates = {t.name: t for t in reply.templates}
        self.rendered_subject = Rendered("")
        self.rendered_body = Rendered("")
        self.to = QLineEdit(reply.to or "", objectName="replyTo")
        self.to.setPlaceholderText("reporter@example.org")
        self.template = QComboBox(objectName="replyTemplate")
        self.template.addItem(NO_TEMPLATE, None)
        for name, template in self.templates.items():
            scope = f"  ({template.category_path})" if template.category_path else ""
            self.template.addItem(name + scope, name)
        self.subject = QLineEdit(objectName="replySubject")
        self.body = QPlainTextEdit(objectName="replyBody")
        self.body.setTabChangesFocus(True)
        self.preview = QTextBrowser(objectName="replyPreview")
        self.warnings = QLabel(objectName="replyWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(
            "QLabel#replyWarnings { background: #fff4e0; color: #5c3b00; border: 1px solid #f0c36d;"
            " border-radius: 3px; padding: 4px 6px; }"
        )
        self.log = QListWidget(objectName="communicationLog")
        self.error = ErrorBanner()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton("&Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("replySend")
        self.edit_templates_button = self.buttons.addButton("Edit &templates…", QDialogButtonBox.ButtonRole.ActionRole)
        self._layout(detail, reply.route)
        self.show_log(reply.messages)
        self._connect_signals()
        self._update_preview()

    def _layout(self, detail: IncidentDetail, route: Route) -> None:
        form = QFormLayout()
        form.addRow("&To", self.to)
        form.addRow("Te&mplate", self.template)
        form.addRow("S&ubject", self.subject)
        editor = QWidget()
        left = QVBoxLayout(editor)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addWidget(QLabel("&Message (placeholders like {reporter.first_name} are filled in)", buddy=self.body))
        left.addWidget(self.body)
        shown = QWidget()
        right = QVBoxLayout(shown)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(QLabel("Preview: what the reporter reads"))
        right.addWidget(self.preview)
        right.addWidget(self.warnings)
        split = QSplitter()
        split.addWidget(editor)
        split.addWidget(shown)
        split.setSizes([450, 450])
        log_box = QGroupBox("Communication log")
        log_layout = QVBoxLayout(log_box)
        log_layout.addWidget(self.log)
        self.log.setFixedHeight(110)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{html.escape(detail.display_number)}</b> · {html.escape(detail.title)}")
        layout.addWidget(title)
        layout.addWidget(split, 1)
        route_hint = QLabel(ROUTE_HINTS[route], objectName="replyRoute")
        route_hint.setProperty("role", "muted")
        bottom = QHBoxLayout()
        bottom.addWidget(route_hint, 1)
        bottom.addWidget(QLabel("Ctrl+Enter sends"))
        layout.addWidget(log_box)
        layout.addLayout(bottom)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.template.currentIndexChanged.connect(self._on_template_chosen)
        self.subject.textChanged.connect(self._update_preview)
        self.body.textChanged.connect(self._update_preview)
        self.to.textChanged.connect(self._update_preview)
        self.send_button.clicked.connect(self._on_send)
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_send)

    # --- templates and the live preview ------------------------------------------------------------

    def choose_template(self, name: str) -> None:
        index = self.template.findData(name)
        if index >= 0:
            self.template.setCurrentIndex(index)

    def _on_template_chosen(self) -> None:
        name = self.template.currentData()
        template = self.templates.get(str(name)) if name else None
        if template is not None:
            self.subject.setText(template.subject)
            self.subject.setCursorPosition(0)
            self.body.setPlainText(template.body)

    @property
    def template_name(self) -> str | None:
        name = self.template.currentData()
        return str(name) if name else None

    def _update_preview(self) -> None:
        self.rendered_subject = render(self.subject.text(), self.values)
        self.rendered_body = render(self.body.toPlainText(), self.values)
        to = html.escape(self.to.text().strip() or "(no address)")
        subject = _highlight(self.rendered_subject.text)
        body = _highlight(self.rendered_body.text).replace("\n", "<br>")
        self.preview.setHtml(
            f"<p style='color:#607d8b'>To: {to}<br>Subject: <b style='color:#000'>{subject}</b></p><hr>"
            f"<div style='font-size:11pt'>{body}</div>"
        )
        warnings = self.warning_lines()
        self.warnings.setText("<br>".join(html.escape(w) for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def warning_lines(self) -> list[str]:
        lines = [] if self.to.text().strip() else ["The reporter has no email address: type one in To."]
        seen: list[str] = []
        for line in self.rendered_subject.warnings + self.rendered_body.warnings:
            if line not in seen:
                seen.append(line)
        return lines + seen

    # --- the log and sending -----------------------------------------------------------------------

    def show_log(self, messages: list[MessageView]) -> None:
        self.log.clear()
        for message in messages:
            when = message.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when} · {message.state_text} · {message.to} · {message.subject}")
            item.setForeground(QColor(STATE_COLOURS[message.state]))
            item.setToolTip(message.body)
            self.log.addItem(item)
        if not messages:
            self.log.addItem("No messages to the reporter yet.")

    def _on_send(self) -> None:
        if "@" not in self.to.text():
            self.error.show_message("Give the email address to send the message to.")
            self.to.setFocus()
            return
        unfilled = self.rendered_subject.missing + self.rendered_body.missing
        unknown = self.rendered_subject.unknown + self.rendered_body.unknown
        if unfilled or unknown:
            names = ", ".join("{" + name + "}" for name in dict.fromkeys(unfilled + unknown))
            self.error.show_message(f"Replace {names} in the message before sending: it has no value here.")
            self.body.setFocus()
            return
        if not self.rendered_subject.text.strip() or not self.rendered_body.text.strip():
            self.error.show_message("The message needs a subject and some text.")
            return
        self.accept()

    @property
    def final_subject(self) -> str:
        return self.rendered_subject.text

    @property
    def final_body(self) -> str:
        return self.rendered_body.text

    @property
    def final_to(self) -> str:
        return self.to.text().strip()


def _highlight(text: str) -> str:
    """Escape for the preview and mark the placeholders still unfilled in amber."""
    return UNFILLED.sub(r"<span style='background:#ffe0a3;color:#5c3b00'>{\1}</span>", html.escape(text))
