"""The SQLite file: PRAGMAs, migrations matching the models, backups, and typed failures."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect

from desktop_app.context import AppContext, open_context
from desktop_app.db.engine import create_sqlite_engine
from desktop_app.db.migrate import (
    BACKUPS_KEPT,
    HEAD_REVISION,
    KNOWN_REVISIONS,
    alembic_config,
    backup_database,
    current_revision,
    include_object,
    migrate,
)
from desktop_app.domain.errors import CorruptDatabaseError, SchemaTooNewError, StorageFullError
from desktop_app.models import Base
from tests.support.builders import incident_draft, make_incident
from tests.support.database import count, rows


def _sqlite(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_pragmas_on_every_new_connection(context: AppContext) -> None:
    context.engine.dispose()
    with context.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_foreign_keys_are_enforced(context: AppContext) -> None:
    with context.engine.connect() as conn, pytest.raises(Exception, match="FOREIGN KEY"):
        conn.exec_driver_sql("INSERT INTO group_members (group_id, agent_id) VALUES ('nope', 'nope')")


def test_empty_database_migrated_to_head_matches_the_models(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "fresh.sqlite3")
    try:
        assert migrate(engine, tmp_path / "fresh.sqlite3", tmp_path / "backups") is None  # nothing to back up
        assert current_revision(engine) == HEAD_REVISION
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object, "compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "reporter_search" in tables
    finally:
        engine.dispose()
    assert not (tmp_path / "backups").exists()


def test_head_revision_constants_match_the_scripts(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "x.sqlite3")
    try:
        scripts = ScriptDirectory.from_config(alembic_config(engine))
    finally:
        engine.dispose()
    assert scripts.get_heads() == [HEAD_REVISION]
    assert set(KNOWN_REVISIONS) == {script.revision for script in scripts.walk_revisions()}
    assert KNOWN_REVISIONS[-1] == HEAD_REVISION


def test_database_at_head_is_opened_without_a_backup(context: AppContext) -> None:
    assert migrate(context.engine, context.paths.database, context.paths.backups) is None
    assert not context.paths.backups.exists()


def test_migrating_a_database_behind_head_backs_it_up_first(context: AppContext) -> None:
    make_incident(context)
    command.downgrade(alembic_config(context.engine), "base")  # only alembic_version is left, empty
    assert current_revision(context.engine) is None
    context.close()

    reopened = open_context(context.paths.data_dir, initialise=False)
    try:
        assert current_revision(reopened.engine) == HEAD_REVISION
        assert reopened.incidents.count() == 0
    finally:
        reopened.close()
    backups = list(context.paths.backups.glob("helpdesk-*-empty.sqlite3"))
    assert len(backups) == 1
    # The copy is of the file as it was before the upgrade ran.
    with sqlite3.connect(backups[0]) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert names == {"alembic_version"}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backups_rotate_keeping_the_newest(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    _sqlite(db, "CREATE TABLE t (x)", "INSERT INTO t VALUES (42)")
    made = [backup_database(db, tmp_path / "backups", "0001_initial") for _ in range(BACKUPS_KEPT + 3)]
    kept = sorted((tmp_path / "backups").iterdir())
    assert BACKUPS_KEPT == 5
    assert kept == sorted(made[-BACKUPS_KEPT:])
    with sqlite3.connect(kept[-1]) as conn:
        assert conn.execute("SELECT x FROM t").fetchone() == (42,)


def test_backup_includes_what_is_still_in_the_wal(context: AppContext) -> None:
    make_incident(context, "Only in the WAL so far")
    assert Path(f"{context.paths.database}-wal").stat().st_size > 0
    backup = backup_database(context.paths.database, context.paths.backups, HEAD_REVISION)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT title FROM incidents").fetchall() == [("Only in the WAL so far",)]


def test_corrupt_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    garbage = bytes(range(256)) * 64
    db.write_bytes(garbage)
    with pytest.raises(CorruptDatabaseError, match="cannot be read: file is not a database") as info:
        open_context(tmp_path)
    assert str(db) in info.value.message
    assert "backup" in info.value.message
    assert db.read_bytes() == garbage
    assert not (tmp_path / "backups").exists()


def test_newer_schema_is_refused_and_left_alone(data_dir: Path) -> None:
    db = data_dir / "helpdesk.sqlite3"
    _sqlite(db, "UPDATE alembic_version SET version_num = 'zzzz_future'")
    before = db.read_bytes()
    with pytest.raises(SchemaTooNewError, match="zzzz_future") as info:
        open_context(data_dir)
    assert info.value.code == "schema_too_new"
    assert HEAD_REVISION in info.value.message
    assert db.read_bytes() == before
    assert not (data_dir / "backups").exists()


def test_tables_without_a_schema_version_are_refused_and_left_alone(data_dir: Path) -> None:
    db = data_dir / "helpdesk.sqlite3"
    _sqlite(db, "DELETE FROM alembic_version")
    before = db.read_bytes()
    with pytest.raises(CorruptDatabaseError, match="no schema version"):
        open_context(data_dir)
    assert db.read_bytes() == before
    assert not (data_dir / "backups").exists()


def test_full_database_is_storage_full_and_leaves_nothing_half_written(context: AppContext) -> None:
    with context.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    limit = pages + 40

    @event.listens_for(context.engine, "connect")
    def _cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {limit}")

    context.engine.dispose()
    created = 0
    with pytest.raises(StorageFullError, match="full; nothing was saved"):  # noqa: PT012 - the loop is the setup
        for n in range(500):
            context.incidents.create(incident_draft(f"Incident {n}\n" + "disk filler " * 1500))
            created += 1
    assert created > 0
    assert context.incidents.count() == created
    assert count(context, "outbox", "name = 'create_incident'") == created
    assert count(context, "audit_events", "field = 'created'") == created
    assert rows(context, "SELECT max(value) AS n FROM counters WHERE name = 'incident_number'") == [{"n": created}]
    with context.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_every_outbox_entry_has_a_strictly_increasing_hlc(context: AppContext) -> None:
    make_incident(context)
    stamps = [row["hlc"] for row in rows(context, "SELECT hlc FROM outbox ORDER BY seq")]
    assert len(stamps) > 30  # the first run wrote the device's agent, categories and groups
    assert all(a < b for a, b in itertools.pairwise(stamps))


def test_a_writer_waits_for_another_process_instead_of_failing(data_dir: Path) -> None:
    """Two clients on one file (the GUI and the CLI): the second writer waits its turn."""
    a_has_begun, b_is_writing = threading.Event(), threading.Event()

    def slow_clock() -> datetime:
        # Called inside A's write transaction: hold it open until B is trying to write.
        if threading.current_thread().name == "writer-a":
            a_has_begun.set()
            b_is_writing.wait(5)
            time.sleep(0.2)
        return datetime.now(UTC)

    first = open_context(data_dir, clock=slow_clock)
    second = open_context(data_dir)
    errors: list[BaseException] = []

    def write_a() -> None:
        try:
            first.incidents.create(incident_draft("from A"))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=write_a, name="writer-a")
    thread.start()
    try:
        assert a_has_begun.wait(5)
        b_is_writing.set()
        second.incidents.create(incident_draft("from B"))
    finally:
        thread.join(10)
        first.close()
    try:
        assert errors == []
        assert sorted(s.title for s in second.incidents.list_recent()) == ["from A", "from B"]
    finally:
        second.close()
