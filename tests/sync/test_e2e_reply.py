"""End to end with a real server process and a real SMTP server (aiosmtpd): a reply written on a client
waits in its outbox, syncs, and the server sends it with its own SMTP settings; while that SMTP server is
down the message stays queued (the reason in both communication logs) and goes once it is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.domain.dtos import IncidentDraft, ReporterDraft
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.messages import DeliveryState, MessageView, Route
from tests.support.smtp_server import LocalSmtpServer
from tests.sync.e2e_support import Client, RunningServer, free_port, process_env

pytestmark = pytest.mark.slow


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def server(tmp_path: Path, smtp_port: int) -> Iterator[RunningServer]:
    env = process_env(
        HELPDESK_SERVER_SMTP_HOST="127.0.0.1",
        HELPDESK_SERVER_SMTP_PORT=str(smtp_port),
        HELPDESK_SERVER_SMTP_SECURITY="none",
        HELPDESK_SERVER_SMTP_SENDER="servicedesk@it.example.org",
        HELPDESK_SERVER_SMTP_POLL_SECONDS="0.2",
        HELPDESK_SERVER_SMTP_RETRY_SECONDS="0.5",
    )
    running = RunningServer(tmp_path / "server", free_port(), env)
    running.data_dir.mkdir()
    running.add_user("alice", "technician", "Field Services")
    running.add_user("bob", "technician", "Field Services")
    yield running.start()
    running.stop()


def _client(tmp_path: Path, name: str, server: RunningServer) -> Client:
    client = Client(name, tmp_path / name)
    client.login(server, name)
    client.sync()
    return client


def _wait_for(check, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_reply_waits_for_sync_and_the_server_sends_it_when_its_smtp_server_is_back(tmp_path, server, smtp_port):
    alice, bob = _client(tmp_path, "alice", server), _client(tmp_path, "bob", server)
    try:
        field = alice.context.directory.find_group("Field Services").id
        reporter = ReporterDraft(name="Ada Lovelace", email="ada@example.org")
        logged = alice.context.incidents.create(
            IncidentDraft(description="Printer jams", title="Printer jams", group_id=field, new_reporter=reporter)
        ).value
        alice.sync()  # numbered by the server
        communication = alice.context.communication
        draft = communication.draft(logged.id, "", "", template_name="acknowledgement")
        sent = communication.send(logged.id, draft.subject.text, draft.body.text, template_name="acknowledgement")
        assert sent.message.route is Route.SERVER
        assert [e.name for e in alice.context.sync.outbox()][-1] == "send_message"  # waits for the sync

        alice.sync()  # the server takes it; its SMTP server is down

        def logged_state() -> MessageView:
            alice.sync()
            return communication.messages(logged.id)[0]

        _wait_for(lambda: logged_state().last_error is not None)
        waiting = communication.messages(logged.id)[0]
        assert waiting.state is DeliveryState.QUEUED
        assert "Cannot reach the SMTP server" in (waiting.last_error or "")
        assert "retried" in waiting.state_text

        smtp = LocalSmtpServer(smtp_port).start()
        try:
            _wait_for(lambda: len(smtp.messages) == 1)
        finally:
            smtp.stop()
        [mail] = smtp.messages
        assert mail["To"] == "ada@example.org"
        assert mail["From"] == "servicedesk@it.example.org"
        assert mail["Subject"] == draft.subject.text
        _wait_for(lambda: logged_state().state is DeliveryState.SENT)

        bob.sync()  # the other client's log has the message and its note too
        [seen] = bob.context.communication.messages(logged.id)
        assert seen.state is DeliveryState.SENT
        assert seen.to == "ada@example.org"
        notes = bob.context.incidents.get(logged.id).notes
        assert [n.kind for n in notes].count(NoteKind.COMMUNICATION) == 1
        time.sleep(1.0)
        assert len(smtp.messages) == 1  # sent once
    finally:
        alice.close()
        bob.close()
