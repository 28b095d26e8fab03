"""Bring the database to the current schema with Alembic (programmatic config, migrations as package data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text

HEAD_REVISION = "0004_categories"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant: PostgreSQL's advisory lock keeps two processes starting together from migrating at once.
MIGRATION_LOCK_KEY = 7_411_220_001


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer server version; refuse rather than guess."""


def alembic_config(connection: Connection) -> Any:  # -> alembic.config.Config (imported lazily)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> bool:
    """Upgrade to head; returns whether anything ran. Refuses a schema newer than this code knows."""
    is_postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            revision = current_revision(connection)
            connection.rollback()
            if revision == HEAD_REVISION:
                return False
            if revision is not None and revision != HEAD_REVISION and not _is_known(revision):
                raise SchemaTooNewError(
                    f"The database holds schema {revision}, newer than this server knows ({HEAD_REVISION}); "
                    "update the server."
                )
            from alembic import command

            command.upgrade(alembic_config(connection), "head")
            connection.commit()
            return True
        finally:
            if is_postgres:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()


def _is_known(revision: str) -> bool:
    return any(path.stem == revision for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
