"""SMTP over TLS against a real local server with a certificate made by the test: STARTTLS with a login,
TLS from the first byte, and a certificate the client does not trust (kept queued, with the reason)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from sync_protocol.smtp_delivery import OutgoingMail, SmtpConfig, deliver
from tests.support.smtp_server import LocalSmtpServer, self_signed_certificate

MAIL = OutgoingMail("ada@example.org", "INC-000001 received", "Hello Ada,\n\nWe are on it.", "0190")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def _trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def test_starttls_then_login_then_send(certificate):
    server = LocalSmtpServer(credentials=("desk", "pw"), starttls=_server_context(certificate)).start()
    try:
        config = SmtpConfig("127.0.0.1", server.port, "starttls", username="desk", sender="desk@example.org")
        outcome = deliver(config, MAIL, "pw", context=_trusting(certificate))
    finally:
        server.stop()
    assert outcome.sent, outcome.error
    assert server.logins == ["desk"]
    assert [m["Subject"] for m in server.messages] == ["INC-000001 received"]
    assert server.messages[0]["Message-ID"] == "<0190@example.org>"


def test_implicit_tls(certificate):
    server = LocalSmtpServer(implicit_tls=_server_context(certificate)).start()
    try:
        config = SmtpConfig("127.0.0.1", server.port, "tls", sender="desk@example.org")
        outcome = deliver(config, MAIL, None, context=_trusting(certificate))
    finally:
        server.stop()
    assert outcome.sent, outcome.error
    assert len(server.messages) == 1


def test_an_untrusted_certificate_is_not_sent_to_and_stays_retryable(certificate):
    server = LocalSmtpServer(credentials=("desk", "pw"), starttls=_server_context(certificate)).start()
    try:
        config = SmtpConfig("127.0.0.1", server.port, "starttls", username="desk", sender="desk@example.org")
        outcome = deliver(config, MAIL, "pw")  # the system's trust store does not know this certificate
    finally:
        server.stop()
    assert not outcome.sent
    assert outcome.retryable
    assert "CERTIFICATE_VERIFY_FAILED" in (outcome.error or "")
    assert server.messages == []
    assert server.logins == []
