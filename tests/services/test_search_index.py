"""A bulk load indexes its incidents for search at the end exactly as the per-row triggers would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop_app.db.engine import create_sqlite_engine
from desktop_app.db.search_index import INSERT_TRIGGER, search_indexed_at_end
from tests.support.database import copy_database

COPIED = ("agents", "groups", "categories", "reporters", "incidents", "notes")
SEARCH_ROWS = (
    "SELECT i.id, s.number, s.title, s.description, s.reporter, s.notes "
    "FROM incident_search s JOIN incidents i ON i.rowid = s.rowid ORDER BY i.id"
)


def _search_rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(SEARCH_ROWS).fetchall()
    # Notes are joined in no defined order by the bulk insert: compare their words.
    return [(*row[:5], sorted(row[5].split())) for row in rows]


def _trigger_sql(session: Session) -> str | None:
    return session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"), {"n": INSERT_TRIGGER}
    ).scalar()


@pytest.fixture
def logged(context, make_incident, make_reporter) -> Path:
    """A data dir whose incidents and notes were written through the services (the triggers' index)."""
    first = make_incident("VPN drops every hour for the sales team", title="VPN drops")
    make_incident("Printer on floor 3 jams on every page", title="Printer jams", reporter_id=make_reporter().id)
    context.incidents.add_note(first.id, "Checked the concentrator logs")
    context.incidents.add_note(first.id, "Rebooted the firewall")
    return context.paths.database


def test_bulk_indexing_matches_what_the_triggers_index(logged, template_database, tmp_path):
    target_dir = tmp_path / "bulk"
    copy_database(template_database, target_dir)
    target = target_dir / "helpdesk.sqlite3"
    engine = create_sqlite_engine(target)
    try:
        with Session(engine) as session, session.begin():
            session.execute(text("PRAGMA defer_foreign_keys = ON"))
            session.execute(text("ATTACH DATABASE :path AS logged"), {"path": str(logged)})
            with search_indexed_at_end(session):
                assert _trigger_sql(session) is None  # dropped for the load
                for table in COPIED:
                    session.execute(text(f"INSERT OR IGNORE INTO {table} SELECT * FROM logged.{table}"))
            restored = _trigger_sql(session)
    finally:
        engine.dispose()

    assert restored is not None
    assert _search_rows(target) == _search_rows(logged)
    assert len(_search_rows(target)) == 2


def test_a_failed_load_puts_the_trigger_back(data_dir):
    engine = create_sqlite_engine(data_dir / "helpdesk.sqlite3")
    try:
        with (
            pytest.raises(RuntimeError),
            Session(engine) as session,
            session.begin(),
            search_indexed_at_end(session),
        ):
            raise RuntimeError("the download broke half-way")
        with Session(engine) as session:
            assert _trigger_sql(session) is not None
    finally:
        engine.dispose()


def test_a_bulk_transaction_gets_the_big_page_cache_and_gives_it_back(data_dir):
    from desktop_app.db.engine import BULK_CACHE_SIZE_KIB, CACHE_SIZE_KIB, bulk_page_cache

    engine = create_sqlite_engine(data_dir / "helpdesk.sqlite3")
    try:
        with Session(engine) as session, session.begin():
            before = session.execute(text("PRAGMA cache_size")).scalar()
            with bulk_page_cache(session):
                during = session.execute(text("PRAGMA cache_size")).scalar()
            after = session.execute(text("PRAGMA cache_size")).scalar()
    finally:
        engine.dispose()
    assert (before, during, after) == (-CACHE_SIZE_KIB, -BULK_CACHE_SIZE_KIB, -CACHE_SIZE_KIB)
