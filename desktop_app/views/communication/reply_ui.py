"""Wiring replies into the main window: the Reply and Canned responses actions, the dialogs, the worker
calls, the mail client for the mailto: route, and a timer that retries queued SMTP messages."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.messages import MessageView, ReplyContext, Route
from desktop_app.domain.status_machine import is_read_only
from desktop_app.views.communication.template_editor import SaveRequest

RETRY_INTERVAL_MS = 60_000


class ReplyUi:
    def __init__(self, window: QMainWindow, context: Any) -> None:
        self.window = window
        self.context = context
        self.runner = window.runner
        actions = window.actions_by_id
        actions["reply"].triggered.connect(self.open_reply)
        actions["canned_responses"].triggered.connect(self.open_templates)
        window.detail.incident_shown.connect(self.update_actions)
        self.update_actions(window.detail.detail)
        # Queued SMTP messages (the server was down) are tried again while the app runs.
        self.retry_timer = QTimer(window, interval=RETRY_INTERVAL_MS)
        self.retry_timer.timeout.connect(self.deliver_pending)
        self.retry_timer.start()

    def update_actions(self, detail: IncidentDetail | None) -> None:
        self.window.actions_by_id["reply"].setEnabled(detail is not None and not is_read_only(detail.status))

    # --- reply --------------------------------------------------------------------------------------

    def open_reply(self, template_name: str | None = None) -> None:
        detail = self.window.detail.detail
        if detail is None:
            return
        self.runner.run_db(
            self.context.communication.reply_context,
            detail.id,
            on_done=lambda reply: self._show_reply(detail, reply, template_name),
            on_error=self.window._show_error,
        )

    def _show_reply(self, detail: IncidentDetail, reply: ReplyContext, template_name: str | None) -> None:
        from desktop_app.views.communication.reply_dialog import ReplyDialog

        dialog = ReplyDialog(detail, reply, self.window)
        self.window.reply_dialog = dialog
        if template_name:
            dialog.choose_template(template_name)
        dialog.accepted.connect(lambda: self._send(dialog, detail))
        dialog.edit_templates_button.clicked.connect(self.open_templates)
        dialog.open()

    def _send(self, dialog: Any, detail: IncidentDetail) -> None:
        communication = self.context.communication
        self.runner.run_db(
            lambda: communication.send(
                detail.id,
                dialog.final_subject,
                dialog.final_body,
                to=dialog.final_to,
                template_name=dialog.template_name,
            ),
            on_done=self._sent,
            on_error=lambda exc: self.window._reopen_with_error(dialog, exc),
        )

    def _sent(self, sent: Any) -> None:
        self.window.bus.publish(sent.changes)
        message: MessageView = sent.message
        if message.route is Route.MAILTO and sent.mailto:
            opened = QDesktopServices.openUrl(QUrl(sent.mailto))
            text = (
                "Your mail client has the message; it is in the communication log."
                if opened
                else ("No mail client could be opened; the message is in the communication log to send by hand.")
            )
            self.window.statusBar().showMessage(text, 10000)
        elif message.route is Route.SMTP:
            self.window.statusBar().showMessage(f"Sending the message to {message.to}…", 5000)
            self.deliver_pending()
        else:
            self.window.statusBar().showMessage("The message goes to the server with the next sync.", 8000)

    def deliver_pending(self) -> None:
        self.runner.run_io(self.context.communication.deliver_pending, on_done=self._delivered, on_error=self._quiet)

    def _delivered(self, results: list[MessageView]) -> None:
        if not results:
            return
        last = results[-1]
        self.window.statusBar().showMessage(f"Message to {last.to}: {last.state_text}", 10000)
        current = self.window.detail.detail
        if current is not None and any(m.incident_id == current.id for m in results):
            self.window.runner.run_db(self.context.incidents.get, current.id, on_done=self.window.show_detail)

    def _quiet(self, exc: Exception) -> None:
        self.window.statusBar().showMessage(f"Queued messages could not be sent yet: {exc}", 10000)

    # --- templates ----------------------------------------------------------------------------------

    def open_templates(self) -> None:
        context = self.context

        def load() -> tuple[list, list]:
            return context.communication.templates(), context.categories.tree()

        self.runner.run_db(load, on_done=lambda found: self._show_templates(*found), on_error=self.window._show_error)

    def _show_templates(self, templates: list, categories: list) -> None:
        from desktop_app.views.communication.template_editor import TemplateEditorDialog

        dialog = TemplateEditorDialog(templates, categories, self._save_template, self._delete_template, self.window)
        self.window.template_editor = dialog
        dialog.open()

    def _save_template(self, request: SaveRequest) -> None:
        name, subject, body, category_id, template_id = request
        communication = self.context.communication

        def save() -> tuple[list, str]:
            saved = communication.save_template(name, subject, body, category_id, template_id)
            return communication.templates(), saved.name

        def done(found: tuple[list, str]) -> None:
            self.window.template_editor.set_templates(found[0], select=found[1])
            self.window.statusBar().showMessage(f"Template {found[1]!r} saved.", 5000)

        def failed(exc: Exception) -> None:
            self.window.template_editor.error.show_message(getattr(exc, "message", str(exc)))

        self.runner.run_db(save, on_done=done, on_error=failed)

    def _delete_template(self, template_id: uuid.UUID) -> None:
        communication = self.context.communication

        def delete() -> list:
            communication.delete_template(template_id)
            return communication.templates()

        self.runner.run_db(
            delete,
            on_done=lambda found: self.window.template_editor.set_templates(found),
            on_error=self.window._show_error,
        )


def install_reply_ui(window: QMainWindow, context: Any) -> ReplyUi:
    previous = getattr(window, "reply_ui", None)
    if previous is not None:
        previous.retry_timer.stop()
    reply = ReplyUi(window, context)
    window.reply_ui = reply
    return reply
