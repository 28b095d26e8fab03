"""End to end with a real server process: a worklog, an escalation, a published workaround, a closure
and a reopen travel between a technician and a supervisor; a close that breaks the shared rules is
refused by the server into the client's Errors view with the rule's message."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.domain.dtos import IncidentDraft
from desktop_app.domain.enums import NoteKind, Status
from desktop_app.domain.escalation import EscalationKind
from desktop_app.sync.dtos import OutboxState
from tests.sync.e2e_support import Client, RunningServer, free_port, process_env, unsettled

pytestmark = pytest.mark.slow

CLOSE = {
    "root_cause_category": "hardware",
    "root_cause": "Worn fuser",
    "reporter_informed": True,
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path / "server", free_port(), process_env())
    running.data_dir.mkdir()
    running.add_user("alice", "technician", "Field Services")
    running.add_user("bob", "supervisor", "Service Desk")
    running.add_user("carol", "technician", "Field Services")
    yield running.start()
    running.stop()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Callable[[str, RunningServer], Client]]:
    made: list[Client] = []

    def make(username: str, server: RunningServer) -> Client:
        new = Client(username, tmp_path / username)
        new.login(server, username)
        new.sync()
        made.append(new)
        return new

    yield make
    for each in made:
        each.close()


def test_the_whole_work_of_an_incident_reaches_the_other_client(server, client) -> None:
    alice, bob = client("alice", server), client("bob", server)
    field = alice.context.directory.find_group("Field Services").id
    logged = alice.context.incidents.create(IncidentDraft(description="Printer jams", group_id=field)).value
    alice.context.workflow.escalations.take(logged.id)
    alice.context.workflow.worklog.add_entry(logged.id, "Cleaned the rollers", time_spent_minutes=20)
    alice.sync()
    bob.sync()
    bob_id = alice.context.directory.find_agent("bob").id
    alice.context.workflow.escalations.escalate(
        logged.id, EscalationKind.HIERARCHICAL, "Needs a new fuser: approval", group_id=field, assignee_id=bob_id
    )
    assert alice.sync().applied >= 1
    bob.sync()

    seen = bob.incident(logged.id)
    assert seen.assignee_name is not None
    assert seen.assignee_id == bob_id
    kinds = {(n.kind, n.time_spent_minutes) for n in seen.notes}
    assert {(NoteKind.WORKLOG, 20), (NoteKind.ESCALATION, None)} <= kinds
    escalation = next(n for n in seen.notes if n.kind == NoteKind.ESCALATION)
    assert escalation.details["reason"] == "Needs a new fuser: approval"

    bob.context.workflow.worklog.publish_workaround(logged.id, "Print single-sided")
    bob.context.workflow.knowledge.save(
        symptom="Printer jams on duplex", workaround="Print single-sided", source_incident_id=logged.id
    )
    bob.context.incidents.change_status(
        logged.id, Status.RESOLVED, resolution_code="hardware_replaced", resolution_steps="New fuser"
    )
    bob.context.incidents.change_status(logged.id, Status.CLOSED, **CLOSE)
    bob.sync()
    alice.sync()
    closed = alice.incident(logged.id)
    assert (closed.status, closed.workaround, closed.root_cause_category) == (
        Status.CLOSED,
        "Print single-sided",
        "hardware",
    )
    assert closed.reporter_informed is True
    alice.context.incidents.change_status(logged.id, Status.IN_PROGRESS, reason="Jams again")
    alice.sync()
    bob.sync()
    reopened = bob.incident(logged.id)
    assert reopened.status == Status.IN_PROGRESS
    assert reopened.notes[-1].body == "Reopened from closed: Jams again"
    for each in (alice, bob):
        assert unsettled(each.context) == []


def test_a_close_breaking_the_rules_is_refused_into_errors_with_the_rules_message(server, client) -> None:
    alice = client("alice", server)
    field = alice.context.directory.find_group("Field Services").id
    logged = alice.context.incidents.create(IncidentDraft(description="Scanner dead", group_id=field)).value
    alice.context.incidents.change_status(logged.id, Status.RESOLVED, resolution_code="fixed", resolution_steps="Reset")
    alice.context.incidents.change_status(logged.id, Status.CLOSED, **CLOSE)
    # An older client (or a hand-edited outbox) sends a close the rules do not allow.
    with sqlite3.connect(alice.context.paths.database) as db:
        seq, payload = db.execute(
            "SELECT seq, payload FROM outbox WHERE name = 'change_status' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        broken = json.loads(payload) | {"reporter_informed": False}
        db.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (json.dumps(broken), seq))

    alice.sync()

    [refused] = [item for item in alice.context.sync.outbox(limit=100) if item.seq == seq]
    assert (refused.state, refused.error_code) == (OutboxState.REJECTED, "validation_error")
    assert "The reporter was not informed: closing needs the reason why." in (refused.error_reason or "")
    assert alice.incident(logged.id).status == Status.RESOLVED  # the server's state, not the refused close


def test_an_escalation_the_server_refuses_leaves_no_trace_but_the_error(server, client) -> None:
    alice = client("alice", server)
    field = alice.context.directory.find_group("Field Services").id
    logged = alice.context.incidents.create(IncidentDraft(description="Badge reader dead", group_id=field)).value
    alice.context.workflow.escalations.take(logged.id)
    alice.sync()
    carol = alice.context.directory.find_agent("carol").id
    # Offline the client cannot know carol is no supervisor: it records the escalation, the server refuses it.
    escalated = alice.context.workflow.escalations.escalate(
        logged.id, EscalationKind.HIERARCHICAL, "Needs approval", group_id=field, assignee_id=carol
    ).value
    assert escalated.assignee_id == carol
    assert escalated.notes[-1].kind == NoteKind.ESCALATION

    alice.sync()

    [refused] = [item for item in alice.context.sync.outbox(limit=100) if item.name == "escalate"]
    assert (refused.state, refused.error_code) == (OutboxState.REJECTED, "validation_error")
    assert "goes to a supervisor or an admin" in (refused.error_reason or "")
    after = alice.incident(logged.id)
    assert after.assignee_id == alice.context.directory.find_agent("alice").id, "back to the server's assignment"
    assert [n.kind for n in after.notes if n.kind == NoteKind.ESCALATION] == [], "the refused escalation's note is gone"
    assert unsettled(alice.context) == []

    # Sent again from the Errors view: the escalation and its note are back until the server answers.
    resent = alice.context.sync.resend(refused.id)
    again = alice.incident(logged.id)
    assert (resent.name, again.assignee_id) == ("escalate", carol)
    assert [n.details["reason"] for n in again.notes if n.kind == NoteKind.ESCALATION] == ["Needs approval"]
    alice.sync()
    assert [n for n in alice.incident(logged.id).notes if n.kind == NoteKind.ESCALATION] == []
