"""A bulk load marks its open incidents' SLA deadlines once at the end, as the triggers would have."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop_app.db.engine import create_sqlite_engine
from desktop_app.db.sla_due_bulk import TRIGGERS, sla_deadlines_at_end
from desktop_app.domain.enums import Status
from tests.support.builders import resolve
from tests.support.database import copy_database

COPIED = ("agents", "groups", "categories", "reporters", "incidents", "notes", "audit_events")


def _triggers(session: Session) -> set[str]:
    rows = session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sla_due_%'"))
    return {row[0] for row in rows}


def _marked(db: Session) -> dict[str, bool]:
    return {row[0]: bool(row[1]) for row in db.execute(text("SELECT incident_id, stale FROM sla_deadlines"))}


@pytest.fixture
def logged(context, make_incident) -> Path:
    """Two open incidents and a resolved one, written through the services."""
    make_incident("VPN drops every hour for the sales team", title="VPN drops")
    make_incident("Printer on floor 3 jams on every page", title="Printer jams")
    done = make_incident("Monitor flickers", title="Monitor flickers")
    resolve(context, done)
    assert context.incidents.get(done.id).status == Status.RESOLVED
    return context.paths.database


def test_a_bulk_load_marks_every_open_incident_and_puts_the_triggers_back(logged, template_database, tmp_path):
    copy_database(template_database, tmp_path / "bulk")
    target = tmp_path / "bulk" / "helpdesk.sqlite3"
    engine = create_sqlite_engine(target)
    try:
        with Session(engine) as session, session.begin():
            session.execute(text("PRAGMA defer_foreign_keys = ON"))
            session.execute(text("ATTACH DATABASE :path AS logged"), {"path": str(logged)})
            with sla_deadlines_at_end(session):
                assert _triggers(session) == set()  # dropped for the load
                for table in COPIED:
                    session.execute(text(f"INSERT OR IGNORE INTO {table} SELECT * FROM logged.{table}"))
                assert _marked(session) == {}  # nothing per row
            marked = _marked(session)
            open_ids = {row[0] for row in session.execute(text("SELECT id FROM incidents WHERE status <> 'resolved'"))}
            assert _triggers(session) == set(TRIGGERS)
    finally:
        engine.dispose()
    assert set(marked) == open_ids
    assert len(open_ids) == 2
    assert all(marked.values())  # stale: the background check computes them


def test_a_failed_load_puts_the_triggers_back(data_dir):
    engine = create_sqlite_engine(data_dir / "helpdesk.sqlite3")
    try:
        with (
            pytest.raises(RuntimeError),
            Session(engine) as session,
            session.begin(),
            sla_deadlines_at_end(session),
        ):
            raise RuntimeError("the download broke half-way")
        with Session(engine) as session:
            assert _triggers(session) == set(TRIGGERS)
    finally:
        engine.dispose()
