"""Alembic environment: runs on the application's own engine (PRAGMAs included)."""

from __future__ import annotations

from alembic import context

from desktop_app.db.migrate import include_object
from desktop_app.models import Base


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
