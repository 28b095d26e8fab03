"""End to end with a real server process: an email report and its reply imported on one client reach
another client whole (incident on the email channel, reporter, communication note, attachments),
and a reply imported there threads by the incident number in its subject."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.domain.enums import Channel, NoteKind
from desktop_app.domain.ids import format_number
from desktop_app.domain.mail import ImportResult
from tests.mail import messages
from tests.sync.e2e_support import Client, RunningServer, free_port, process_env

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path / "server", free_port(), process_env())
    running.data_dir.mkdir()
    running.add_user("alice", "agent", "Service Desk")
    running.add_user("bob", "supervisor", "Service Desk")
    yield running.start()
    running.stop()


def _client(name: str, server: RunningServer, tmp_path: Path) -> Client:
    client = Client(name, tmp_path / name)
    client.login(server, name)
    client.sync()
    return client


def test_imported_email_reaches_the_other_client(server: RunningServer, tmp_path: Path) -> None:
    alice, bob = _client("alice", server, tmp_path), _client("bob", server, tmp_path)
    try:
        report, reply, _ = messages.thread()
        report.add_attachment(b"2026-02-20 ERROR 0x80070005\n", maintype="text", subtype="plain", filename="spool.log")
        created = alice.context.mail.import_bytes(report.as_bytes(), "report.eml")
        threaded = alice.context.mail.import_bytes(reply.as_bytes(), "reply.eml")
        assert (created.result, threaded.result) == (ImportResult.CREATED, ImportResult.THREADED)
        alice.sync()
        bob.sync()

        seen = bob.incident(created.incident_id)
        assert seen.channel == Channel.EMAIL
        assert seen.title == "Cannot print payslips"
        assert (seen.reporter_name, seen.reporter_email) == ("Jane Roe", "jane.roe@example.com")
        notes = [n.body for n in seen.notes if n.kind == NoteKind.COMMUNICATION]
        assert len(notes) == 1
        assert notes[0].endswith("It also happens on the second floor.")
        names = sorted(a.display_name for a in bob.context.attachments.list_for(seen.id))
        assert names == ["original-message.eml", "original-message.eml", "spool.log"]

        # Bob's client never saw the Message-IDs, but the number in the subject threads everywhere.
        number = format_number(seen.number)
        answer = messages.plain(f"RE: [{number}] payslips", "Printed fine now, thanks.", message_id="<t9@example.com>")
        on_bob = bob.context.mail.import_bytes(answer.as_bytes(), "answer.eml")
        assert on_bob.result == ImportResult.THREADED
        assert on_bob.incident_id == seen.id
        bob.sync()
        alice.sync()
        bodies = [n.body for n in alice.incident(seen.id).notes if n.kind == NoteKind.COMMUNICATION]
        assert bodies[-1].endswith("Printed fine now, thanks.")
    finally:
        alice.close()
        bob.close()
