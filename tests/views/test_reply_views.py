"""Replies in the GUI, offscreen: the reply dialog's live preview and warnings, sending through the mail
client (QDesktopServices.openUrl patched: the mail client is outside the project) and the template editor."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.messages import DeliveryState
from desktop_app.views.communication.reply_dialog import ReplyDialog
from desktop_app.views.communication.smtp_settings_dialog import SmtpSettingsDialog, open_smtp_settings
from desktop_app.views.communication.template_editor import TemplateEditorDialog
from desktop_app.views.main_window import MainWindow
from tests.support.builders import close, reporter_draft
from tests.support.smtp_server import LocalSmtpServer


@pytest.fixture
def reported(context: AppContext, make_incident) -> IncidentDetail:
    return make_incident(title="Printer jams", new_reporter=reporter_draft("Ada Lovelace", email="ada@example.org"))


def _dialog(qtbot: QtBot, context: AppContext, incident: IncidentDetail) -> ReplyDialog:
    dialog = ReplyDialog(incident, context.communication.reply_context(incident.id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_preview_renders_the_chosen_template_and_follows_each_edit(qtbot, context, reported):
    dialog = _dialog(qtbot, context, reported)
    assert dialog.to.text() == "ada@example.org"
    dialog.choose_template("acknowledgement")
    preview = dialog.preview.toPlainText()
    assert "Hello Ada," in preview
    assert f"INC-{reported.number:06d} received: Printer jams" in preview
    assert "{reporter.first_name}" in dialog.body.toPlainText()  # the editor keeps the placeholders
    assert not dialog.warnings.isVisible()

    dialog.body.setPlainText("Hi {reporter.first_name}, try this: {workaround} ({reporter.frist_name})")
    assert "Hi Ada, try this:" in dialog.preview.toPlainText()
    assert dialog.warnings.isVisible()
    assert "No value for {workaround}" in dialog.warnings.text()
    assert "Unknown placeholder {reporter.frist_name}" in dialog.warnings.text()


def test_send_is_refused_while_a_placeholder_has_no_value(qtbot, context, reported):
    dialog = _dialog(qtbot, context, reported)
    dialog.choose_template("workaround")
    dialog.send_button.click()
    assert dialog.isVisible()
    assert "{workaround}" in dialog.error.text()
    dialog.body.setPlainText("Hello {reporter.first_name}, use the printer on floor 2.")
    dialog.send_button.click()
    assert dialog.result() == ReplyDialog.DialogCode.Accepted
    assert dialog.final_body == "Hello Ada, use the printer on floor 2."


def test_reply_from_the_window_opens_the_mail_client_and_logs_it(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, reported, monkeypatch
):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(QUrl(url).toString()) or True)
    main_window.show_detail(reported)
    action = main_window.actions_by_id["reply"]
    assert action.isEnabled()
    assert main_window.detail.work_bar.buttons["reply"].isEnabled()
    action.trigger()
    dialog = main_window.reply_dialog
    dialog.choose_template("acknowledgement")
    dialog.send_button.click()
    [url] = opened
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.path == "ada@example.org"
    assert parse_qs(parts.query)["body"][0].startswith("Hello Ada,\r\n")
    [message] = context.communication.messages(reported.id)
    assert message.state is DeliveryState.MAIL_CLIENT
    assert context.incidents.get(reported.id).notes[-1].kind is NoteKind.COMMUNICATION
    action.trigger()  # the log in the next dialog shows it
    assert "Opened in mail client" in main_window.reply_dialog.log.item(0).text()


def test_the_template_editor_saves_a_scoped_template(qtbot, main_window: MainWindow, context: AppContext):
    main_window.actions_by_id["canned_responses"].trigger()
    editor: TemplateEditorDialog = main_window.template_editor
    assert editor.list.count() == 4
    editor.start_new()
    editor.name.setText("printer tip")
    editor.subject.setText("{incident.number}: printer tip")
    editor.body.setPlainText("Hello {reporter.first_name}, {reporter.nmae}")
    assert "Unknown placeholder {reporter.nmae}" in editor.check.text()
    editor.category.setCurrentIndex(editor.category.findText("Hardware"))
    editor.save_button.click()
    saved = context.communication.template("printer tip")
    assert saved.category_path == "Hardware"
    assert editor.list.currentItem().text() == "printer tip"
    editor.delete_button.click()
    assert [t.name for t in context.communication.templates()] == [
        "acknowledgement",
        "awaiting caller",
        "resolved",
        "workaround",
    ]


def test_smtp_settings_keep_the_password_in_the_keyring_and_replies_then_go_by_smtp(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, reported, memory_keyring
):
    server = LocalSmtpServer(credentials=("desk@it.example.org", "s3cret-pass")).start()
    try:
        open_smtp_settings(main_window)
        dialog: SmtpSettingsDialog = main_window.smtp_settings_dialog
        dialog.host.setText("127.0.0.1")
        dialog.security.setCurrentIndex(dialog.security.findData("none"))
        dialog.port.setValue(server.port)
        dialog.username.setText("desk@it.example.org")
        dialog.password.setText("s3cret-pass")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        assert context.settings.smtp_host == "127.0.0.1"
        assert "s3cret-pass" not in context.paths.settings_file.read_text(encoding="utf-8")
        assert "s3cret-pass" in memory_keyring.passwords.values()

        main_window.show_detail(reported)
        main_window.actions_by_id["reply"].trigger()
        reply = main_window.reply_dialog
        reply.choose_template("acknowledgement")
        reply.send_button.click()
    finally:
        server.stop()
    [mail] = server.messages
    assert server.logins == ["desk@it.example.org"]  # with the password from the keyring
    assert mail["From"] == "desk@it.example.org"
    assert mail["To"] == "ada@example.org"
    [message] = context.communication.messages(reported.id)
    assert message.state is DeliveryState.SENT


def test_reply_is_off_for_a_closed_incident(qtbot, main_window: MainWindow, context: AppContext, reported):
    closed = close(context, reported)
    main_window.show_detail(closed)
    assert not main_window.actions_by_id["reply"].isEnabled()
    assert not main_window.detail.work_bar.buttons["reply"].isEnabled()
