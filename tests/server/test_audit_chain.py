"""The hash-chained mutation log: every applied or rejected mutation, with both times; tampering is found."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, select, update

from central_server.models import MutationLogEntry
from central_server.services.audit_chain import verify_chain
from tests.server.harness import TEST_START


def _log(server) -> list[MutationLogEntry]:
    with server.ctx.sessions() as session:
        return list(session.scalars(select(MutationLogEntry).order_by(MutationLogEntry.position)))


def _fill(server):
    tech = server.user_client("technician", skew=timedelta(days=1))  # a device clock a day fast
    incident_id, _ = tech.create_incident()
    tech.push(
        tech.mutation("update_fields", uuid.uuid4(), {"title": "x"}, {"title": "y"}),
        tech.mutation("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "On site"}),
    )
    return tech


def test_every_mutation_is_logged_with_device_and_server_time_and_the_chain_verifies(server):
    tech = _fill(server)

    entries = _log(server)
    with server.ctx.sessions() as session:
        verdict = verify_chain(session)

    assert verdict.ok
    assert verdict.checked == 3
    assert [(e.name, e.outcome, e.code) for e in entries] == [
        ("create_incident", "applied", None),
        ("update_fields", "rejected", "not_found"),
        ("add_note", "applied", None),
    ]
    assert all(e.user_id == tech.user_id and e.client_id == tech.client_id for e in entries)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].reason
    assert entries[0].device_time == TEST_START + timedelta(days=1)
    assert entries[0].server_time == TEST_START
    assert entries[1].prev_hash == entries[0].hash


def test_changing_a_logged_entry_is_detected_where_it_happened(server):
    _fill(server)
    with server.ctx.sessions() as session, session.begin():
        session.execute(update(MutationLogEntry).where(MutationLogEntry.position == 2).values(outcome="applied"))

    with server.ctx.sessions() as session:
        verdict = verify_chain(session)

    assert not verdict.ok
    assert verdict.broken_at == 2
    assert verdict.problem == "the entry's content does not match its hash"


def test_removing_an_entry_is_detected(server):
    _fill(server)
    with server.ctx.sessions() as session, session.begin():
        session.execute(delete(MutationLogEntry).where(MutationLogEntry.position == 2))

    with server.ctx.sessions() as session:
        verdict = verify_chain(session)

    assert not verdict.ok
    assert verdict.broken_at == 3


def test_rehashing_one_entry_breaks_the_link_to_the_next(server):
    _fill(server)
    with server.ctx.sessions() as session, session.begin():
        session.execute(update(MutationLogEntry).where(MutationLogEntry.position == 1).values(hash="f" * 64))

    with server.ctx.sessions() as session:
        verdict = verify_chain(session)

    assert not verdict.ok
    assert verdict.broken_at == 1
