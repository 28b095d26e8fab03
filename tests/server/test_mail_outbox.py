"""send_message on the server: a communication note plus the outbox, sent through a real local SMTP
server (aiosmtpd) with the server's own settings; kept queued while that SMTP server is down."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from central_server.models import Note, OutboundMail
from central_server.services.mail_outbox import ServerSmtp, send_due, smtp_from_environment
from central_server.services.transaction import read_session
from sync_protocol.smtp_delivery import SmtpConfig
from tests.support.smtp_server import LocalSmtpServer, free_port


def _message(note_id=None, message_id=None, to="ann.lee@example.org"):
    return {
        "note_id": note_id or uuid.uuid4(),
        "message_id": message_id or uuid.uuid4(),
        "to": to,
        "subject": "INC-000001 received: Printer jams",
        "body": "Hello Ann,\n\nWe are on it.",
        "template_name": "acknowledgement",
    }


def _smtp(port: int) -> ServerSmtp:
    config = SmtpConfig("127.0.0.1", port, security="none", sender="desk@it.example.org", timeout=5)
    return ServerSmtp(config, None, poll_seconds=0.1, retry_delay=timedelta(seconds=30))


def _outbox(server, message_id) -> OutboundMail:
    with read_session(server.ctx) as session:
        row = session.get(OutboundMail, message_id)
        assert row is not None
        session.expunge(row)
        return row


def test_a_message_is_noted_queued_and_sent_once_even_when_pushed_twice(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    incident_id, _ = agent.create_incident(group_id=server.group("Service Desk"))
    payload = _message()
    first = agent.push_one("send_message", incident_id, payload)
    again = agent.push_one("send_message", incident_id, payload)  # a replay after a lost response
    assert first["outcome"] == "applied"
    assert again["outcome"] == "applied"
    with read_session(server.ctx) as session:
        note = session.get(Note, payload["note_id"])
        assert note is not None
        assert note.kind == "communication"
        assert note.visibility == "visible"
        assert "We are on it." in note.body
    changes, _ = agent.pull_all()
    assert str(payload["note_id"]) in {c["entity_id"] for c in changes if c["entity"] == "note"}
    smtp = LocalSmtpServer().start()
    try:
        assert send_due(server.ctx, _smtp(smtp.port)) == {payload["message_id"]: "sent"}
        assert send_due(server.ctx, _smtp(smtp.port)) == {}
    finally:
        smtp.stop()
    [mail] = smtp.messages
    assert mail["To"] == "ann.lee@example.org"
    assert mail["Subject"] == "INC-000001 received: Printer jams"
    assert _outbox(server, payload["message_id"]).state == "sent"


def test_smtp_down_keeps_it_queued_with_the_reason_and_it_goes_when_back(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    incident_id, _ = agent.create_incident(group_id=server.group("Service Desk"))
    payload = _message()
    agent.push_one("send_message", incident_id, payload)
    port = free_port()
    assert send_due(server.ctx, _smtp(port)) == {payload["message_id"]: "queued"}
    row = _outbox(server, payload["message_id"])
    assert row.attempts == 1
    assert "Cannot reach the SMTP server" in (row.last_error or "")
    smtp = LocalSmtpServer(port).start()
    try:
        assert send_due(server.ctx, _smtp(port)) == {}  # not before its retry time
        server.clock.advance(seconds=31)
        assert send_due(server.ctx, _smtp(port)) == {payload["message_id"]: "sent"}
    finally:
        smtp.stop()
    assert len(smtp.messages) == 1
    assert _outbox(server, payload["message_id"]).attempts == 2


def test_a_refused_recipient_is_failed_with_the_reason(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    incident_id, _ = agent.create_incident(group_id=server.group("Service Desk"))
    payload = _message(to="nobody@refused.example")
    agent.push_one("send_message", incident_id, payload)
    smtp = LocalSmtpServer().start()
    try:
        assert send_due(server.ctx, _smtp(smtp.port)) == {payload["message_id"]: "failed"}
    finally:
        smtp.stop()
    assert "550" in (_outbox(server, payload["message_id"]).last_error or "")


def test_only_users_who_may_see_the_incident_write_to_its_reporter(server):
    owner = server.user_client("agent", groups=["Service Desk"])
    outsider = server.user_client("agent", groups=["Network"])
    incident_id, _ = owner.create_incident(group_id=server.group("Service Desk"))
    result = outsider.push_one("send_message", incident_id, _message())
    assert result["outcome"] == "rejected"
    assert result["code"] == "permission_denied"
    with read_session(server.ctx) as session:
        assert session.scalars(select(OutboundMail)).all() == []


def test_smtp_settings_come_from_the_environment():
    assert smtp_from_environment({}) is None
    smtp = smtp_from_environment(
        {"HELPDESK_SERVER_SMTP_HOST": "smtp.example.org", "HELPDESK_SERVER_SMTP_SECURITY": "tls",
         "HELPDESK_SERVER_SMTP_USERNAME": "desk@example.org", "HELPDESK_SERVER_SMTP_PASSWORD": "pw"}
    )  # fmt: skip
    assert smtp is not None
    assert (smtp.config.port, smtp.config.sender, smtp.password) == (465, "desk@example.org", "pw")
