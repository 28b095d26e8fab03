"""An empty database migrated to head matches the models exactly, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from central_server.db.engine import create_server_engine
from central_server.db.migrate import HEAD_REVISION, alembic_config, current_revision, migrate
from central_server.models import Base, Counter, ServerMeta


def test_migrated_database_has_no_autogenerate_diff_from_the_models(database_url):
    engine = create_server_engine(database_url)
    try:
        assert migrate(engine) is False  # the template is at head already: nothing runs twice
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
            assert current_revision(connection) == HEAD_REVISION
            counters = dict(connection.execute(select(Counter.name, Counter.value)).all())
            server_id = connection.execute(select(ServerMeta.value)).scalar_one()
    finally:
        engine.dispose()
    assert diff == []
    assert counters == {"changes": 0, "incident_numbers": 0, "changes_pruned_through": 0}
    assert len(server_id) == 36


def test_head_revision_constant_is_alembics_head(tmp_path):
    engine = create_server_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        with engine.connect() as connection:
            assert ScriptDirectory.from_config(alembic_config(connection)).get_current_head() == HEAD_REVISION
        assert migrate(engine) is True
        assert migrate(engine) is False
    finally:
        engine.dispose()
