"""Bring the database file to the current schema: check, back up, then run Alembic.

Alembic is imported only when a migration is due, so a normal start-up stays fast.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError as SqlDatabaseError

from desktop_app.db.revisions import HEAD_REVISION, KNOWN_REVISIONS
from desktop_app.domain.errors import CorruptDatabaseError, SchemaTooNewError
from desktop_app.paths import migrations_dir

__all__ = ["HEAD_REVISION", "KNOWN_REVISIONS", "migrate"]
BACKUPS_KEPT = 5
MIGRATIONS_DIR = migrations_dir()
# Tables that the ORM does not map (FTS5 and its shadow tables) are managed by migrations only.
UNMAPPED_PREFIXES = ("reporter_search", "incident_search")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter for autogenerate (migrations/env.py and the schema test use this one)."""
    return not (type_ == "table" and name and name.startswith(UNMAPPED_PREFIXES))


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SqlDatabaseError as exc:
        raise CorruptDatabaseError(
            f"The database file {engine.url.database} cannot be read: {exc.orig}. "
            "Restore a backup from the backups folder, or move the file away to start afresh."
        ) from exc


def alembic_config(engine: Engine):  # -> alembic.config.Config (imported lazily)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def backup_database(db_path: Path, backups_dir: Path, revision: str | None) -> Path:
    """Copy through SQLite's online backup API, which includes what is still in the WAL."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{db_path.stem}-{stamp}-{revision or 'empty'}.sqlite3"
    source = sqlite3.connect(db_path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    old = sorted(backups_dir.glob(f"{db_path.stem}-*.sqlite3"))
    for stale in old[:-BACKUPS_KEPT]:
        stale.unlink(missing_ok=True)
    return target


def migrate(engine: Engine, db_path: Path, backups_dir: Path) -> Path | None:
    """Upgrade to head. Returns the backup made, if one was needed. Refuses a newer schema."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return None
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise SchemaTooNewError(
            f"The database {db_path} was written by a newer version of the help desk (schema {revision}); "
            f"this version knows up to {HEAD_REVISION}. Update the application, or open another data directory."
        )
    tables = _table_names(engine)
    if revision is None and set(tables) - {"alembic_version"}:
        raise CorruptDatabaseError(
            f"The database {db_path} holds tables but no schema version, so it was not made by the help desk "
            "or has been damaged; it was left as it is. Restore a backup from the backups folder, "
            "or open another data directory."
        )
    backup = None
    if revision is not None or tables:
        backup = backup_database(db_path, backups_dir, revision)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return backup


def _table_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return inspect(conn).get_table_names()
