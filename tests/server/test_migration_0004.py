"""0004_categories on a database with categories: each keeps going active; down and up again, on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Uuid, bindparam, text

from central_server.db.engine import create_server_engine
from central_server.db.migrate import alembic_config, current_revision


def _run(engine, revision: str, *, down: bool = False) -> None:
    with engine.connect() as connection:
        (command.downgrade if down else command.upgrade)(alembic_config(connection), revision)
        connection.commit()


def test_existing_categories_come_out_active_and_the_step_reverses(database_url):
    engine = create_server_engine(database_url)
    try:
        _run(engine, "0003_work", down=True)
        with engine.begin() as connection:
            insert = text(
                "INSERT INTO categories (id, name, path, path_key, parent_id, created_at) "
                "VALUES (:id, 'Network', 'Network', 'network', NULL, :now)"
            ).bindparams(bindparam("id", type_=Uuid()))
            connection.execute(insert, {"id": uuid.uuid4(), "now": datetime.now(UTC)})
        _run(engine, "head")
        with engine.connect() as connection:
            active = connection.execute(text("SELECT is_active FROM categories")).scalars().all()
            revision = current_revision(connection)
    finally:
        engine.dispose()
    assert revision == "0004_categories"
    assert [bool(a) for a in active] == [True]
