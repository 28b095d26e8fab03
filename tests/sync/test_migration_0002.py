"""0001 → 0002 keeps every row (incidents, notes, audit, outbox) and makes numbers nullable but still unique."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command

from desktop_app.context import AppContext, open_context
from desktop_app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from tests.support.builders import make_incident
from tests.support.database import count, rows


def _table_sql(path, table: str) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]


def test_a_0001_database_with_data_keeps_it_all(context: AppContext) -> None:
    first = make_incident(context, "Printer on floor 3 jams")
    second = make_incident(context, "VPN drops every hour")
    context.incidents.add_note(first.id, "Replaced the fuser")
    context.incidents.add_note(second.id, "Asked for the logs")
    tables = ("incidents", "notes", "audit_events", "outbox", "reporters", "agents")
    before = {table: count(context, table) for table in tables}
    command.downgrade(alembic_config(context.engine), "0001_initial")
    assert current_revision(context.engine) == "0001_initial"
    assert "number INTEGER NOT NULL" in _table_sql(context.paths.database, "incidents")
    context.close()

    reopened = open_context(context.paths.data_dir, initialise=False)
    try:
        assert current_revision(reopened.engine) == HEAD_REVISION
        after = {table: count(reopened, table) for table in before}
        assert after == before
        bodies = {n["body"] for n in rows(reopened, "SELECT body FROM notes")}
        assert bodies == {"Replaced the fuser", "Asked for the logs"}
        assert reopened.incidents.get(first.id).notes[0].body == "Replaced the fuser"
        assert [e["state"] for e in rows(reopened, "SELECT DISTINCT state FROM outbox")] == ["pending"]
        assert "number INTEGER," in _table_sql(reopened.paths.database, "incidents")
        assert reopened.sync.status().offline_only
    finally:
        reopened.close()
    assert len(list(context.paths.backups.glob("helpdesk-*-0001_initial.sqlite3"))) == 1


def test_numbers_are_nullable_but_unique_when_given(context: AppContext) -> None:
    incident = make_incident(context)
    with context.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE incidents SET number = NULL")
    make_incident(context, "a second one")  # standalone: the next counter value
    with context.engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM incidents WHERE number IS NULL").scalar() == 1
    with pytest.raises(Exception, match="UNIQUE"), context.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE incidents SET number = 2 WHERE number IS NULL")
    assert context.incidents.get(incident.id).display_number == "INC-pending"


def test_downgrade_numbers_pending_incidents_instead_of_failing(context: AppContext) -> None:
    make_incident(context)
    with context.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE incidents SET number = NULL")
    command.downgrade(alembic_config(context.engine), "0001_initial")
    numbers = [r["number"] for r in rows(context, "SELECT number FROM incidents")]
    assert len(numbers) == 1
    assert numbers[0] is not None
