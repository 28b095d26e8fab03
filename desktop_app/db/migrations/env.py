"""Alembic environment: runs on the application's own engine (PRAGMAs included).

Foreign keys are switched off while migrations run. SQLite cannot alter a column, so batch mode
copies a table, drops the original and renames the copy; with foreign keys on, that DROP TABLE is an
implicit DELETE that would cascade into every child table (dropping an incident's notes and audit
trail). The switch only works outside a transaction, hence on the raw connection before Alembic
begins one; the links are checked before the connection goes back to the pool.
"""

from __future__ import annotations

from alembic import context

from desktop_app.db.migrate import include_object
from desktop_app.models import Base


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left broken links between tables: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


run_migrations()
