"""Alembic environment: runs on the application's own engine (PRAGMAs included)."""

from __future__ import annotations

from alembic import context

from desktop_app.models import Base

# Tables that the ORM does not map (FTS5 and its shadow tables) are managed by migrations only.
UNMAPPED_PREFIXES = ("reporter_search",)


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name and name.startswith(UNMAPPED_PREFIXES))


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
