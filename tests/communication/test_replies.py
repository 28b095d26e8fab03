"""Replies to reporters through the services: templates, the log, and SMTP against a real local server."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.canned_responses import format_due
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.messages import DeliveryState, Route
from desktop_app.mail.smtp_account import smtp_config, smtp_password, store_smtp_password
from desktop_app.models import SyncState
from tests.communication.conftest import use_smtp
from tests.support.smtp_server import LocalSmtpServer, free_port


def test_seeded_templates_render_for_an_incident(context: AppContext, reported):
    names = [t.name for t in context.communication.templates(reported.id)]
    assert names == ["acknowledgement", "awaiting caller", "resolved", "workaround"]
    draft = context.communication.draft(reported.id, "", "", template_name="acknowledgement")
    assert draft.to == "ada@example.org"
    assert draft.subject.text == f"INC-{reported.number:06d} received: Printer jams"
    assert draft.body.text.startswith("Hello Ada,")
    assert "Terry Tester" in draft.body.text
    assert "{sla.resolve_by}" not in draft.body.text  # the SLA service's due time is filled in
    assert draft.warnings == []


def test_a_template_with_a_missing_value_warns(context: AppContext, reported):
    draft = context.communication.draft(reported.id, "", "", template_name="workaround")
    assert draft.body.missing == ("workaround",)
    assert "{workaround}" in draft.body.text
    context.workflow.worklog.set_workaround(reported.id, "Use the printer on floor 2.")
    assert context.communication.draft(reported.id, "", "", template_name="workaround").warnings == []


def test_templates_are_scoped_per_category(context: AppContext, make_incident, reported):
    hardware = context.categories.resolve_path("Hardware")
    context.communication.save_template("printer tip", "Tip", "Hello {reporter.first_name}", hardware.id)
    in_hardware = make_incident(title="Laptop", category_id=hardware.id)
    assert "printer tip" in [t.name for t in context.communication.templates(in_hardware.id)]
    assert "printer tip" not in [t.name for t in context.communication.templates(reported.id)]
    with pytest.raises(ValidationError):
        context.communication.save_template("printer tip", "Again", "Same name")
    with pytest.raises(NotFoundError):
        context.communication.draft(reported.id, "", "", template_name="no such")


def test_without_smtp_the_mail_client_opens_and_the_message_is_logged(context: AppContext, reported):
    sent = context.communication.send(reported.id, "Your printer & you", "Line one\nLine two: 100% done?")
    assert sent.message.route is Route.MAILTO
    assert sent.message.state is DeliveryState.MAIL_CLIENT
    parts = urlsplit(sent.mailto or "")
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "ada@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Your printer & you"]
    assert query["body"] == ["Line one\r\nLine two: 100% done?"]
    note = context.incidents.get(reported.id).notes[-1]
    assert note.kind is NoteKind.COMMUNICATION
    assert "Line two: 100% done?" in note.body
    assert [entry.name for entry in context.sync.outbox()][-1] == "add_note"  # the note syncs like any other
    assert context.communication.messages(reported.id)[0].state_text == "Opened in mail client"


def test_smtp_sends_through_a_real_server(context: AppContext, reported, smtp_server: LocalSmtpServer):
    use_smtp(context, smtp_server.port)
    draft = context.communication.draft(reported.id, "", "", template_name="acknowledgement")
    sent = context.communication.send(reported.id, draft.subject.text, draft.body.text, template_name="acknowledgement")
    assert sent.message.state is DeliveryState.QUEUED
    assert sent.mailto is None
    [result] = context.communication.deliver_pending()
    assert result.state is DeliveryState.SENT
    assert result.attempts == 1
    [mail] = smtp_server.messages
    assert mail["To"] == "ada@example.org"
    assert mail["From"] == "servicedesk@it.example.org"
    assert mail["Subject"] == draft.subject.text
    assert "Hello Ada," in mail.get_payload(decode=True).decode()
    assert context.communication.deliver_pending() == []  # sent once, never again


def test_smtp_server_down_keeps_the_message_queued_until_it_is_back(context: AppContext, reported):
    port = free_port()
    use_smtp(context, port)
    context.communication.send(reported.id, "Update", "We are on it.")
    [first] = context.communication.deliver_pending()
    assert first.state is DeliveryState.QUEUED
    assert first.attempts == 1
    assert "Cannot reach the SMTP server" in (first.last_error or "")
    assert "retried" in first.state_text
    server = LocalSmtpServer(port).start()
    try:
        [second] = context.communication.deliver_pending()
    finally:
        server.stop()
    assert second.state is DeliveryState.SENT
    assert second.attempts == 2
    assert second.last_error is None
    assert [m["Subject"] for m in server.messages] == ["Update"]


def test_a_refused_recipient_fails_with_the_reason(context: AppContext, reported, smtp_server):
    use_smtp(context, smtp_server.port)
    context.communication.send(reported.id, "Update", "Text", to="nobody@refused.example")
    [result] = context.communication.deliver_pending()
    assert result.state is DeliveryState.FAILED
    assert "550" in (result.last_error or "")
    assert "Failed by SMTP" in result.state_text


def test_the_smtp_password_lives_in_the_keyring(memory_keyring, context: AppContext):
    config = smtp_config("smtp.example.org", 0, "tls", "desk@example.org", "")
    assert config is not None
    assert config.port == 465
    assert config.sender == "desk@example.org"
    store_smtp_password(config, "s3cret")
    assert smtp_password(config) == "s3cret"
    store_smtp_password(config, "")
    assert smtp_password(config) is None


def test_a_client_that_syncs_hands_the_message_to_the_server(context: AppContext, reported, smtp_server):
    use_smtp(context, smtp_server.port)  # the server's SMTP settings win over this client's
    with context.incidents._write() as scope:
        scope.session.merge(SyncState(id=1, server_url="http://127.0.0.1:9", username="tester"))
    sent = context.communication.send(reported.id, "Update", "We are on it.")
    assert sent.message.route is Route.SERVER
    assert sent.message.state_text == "Queued by the server (sent after the next sync)"
    entry = context.sync.outbox()[-1]
    assert entry.name == "send_message"
    assert entry.payload["message_id"] == str(sent.message.id)
    assert entry.payload["to"] == "ada@example.org"
    assert context.communication.deliver_pending() == []  # never sent from here as well
    assert smtp_server.messages == []


def test_a_wrong_password_keeps_the_message_queued_until_it_is_fixed(context: AppContext, reported, memory_keyring):
    server = LocalSmtpServer(credentials=("desk@it.example.org", "right")).start()
    try:
        use_smtp(context, server.port)
        context.settings.smtp_username = "desk@it.example.org"
        config = smtp_config("127.0.0.1", server.port, "none", "desk@it.example.org", "")
        store_smtp_password(config, "wrong")
        context.communication.send(reported.id, "Update", "We are on it.")
        [first] = context.communication.deliver_pending()
        assert first.state is DeliveryState.QUEUED
        assert "535" in (first.last_error or "")
        store_smtp_password(config, "right")
        [second] = context.communication.deliver_pending()
    finally:
        server.stop()
    assert second.state is DeliveryState.SENT
    assert server.logins == ["desk@it.example.org"]


def test_a_message_another_sender_claimed_is_not_sent_twice(context: AppContext, reported, smtp_server):
    use_smtp(context, smtp_server.port)
    sent = context.communication.send(reported.id, "Update", "We are on it.")
    # The app and the CLI both read "queued, 0 attempts"; the first to count its attempt sends it.
    assert context.communication._claim(sent.message.id, 0) is not None
    assert context.communication._claim(sent.message.id, 0) is None


def test_sla_resolve_by_is_the_resolution_clock_due_time(context: AppContext, reported):
    due = context.sla.status(reported.id).resolution.due_at
    assert due is not None
    values = context.communication.reply_context(reported.id).values
    assert values["sla.resolve_by"] == format_due(due.astimezone())
    assert values["incident.status"] == "New"
