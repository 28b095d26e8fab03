"""Server test fixtures: every API test runs twice, on a SQLite file and on a real PostgreSQL.

- ``postgres``: a session-wide cluster started with initdb/pg_ctl (see ``postgres.py``). Without the
  binaries the PostgreSQL tests FAIL naming the Debian package, unless ``HELPDESK_SKIP_PG=1`` skips them.
- ``database_url`` (parametrised ``sqlite`` / ``postgresql``): a fresh database per test, copied from a
  template migrated once per session (a file copy, or ``CREATE DATABASE ... TEMPLATE``).
- ``server``: a ``ServerHarness`` (TestClient on ``create_app``) with a ``MutableClock``; cheap argon2.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from central_server.app import create_app
from central_server.context import open_server
from central_server.db.engine import create_server_engine
from central_server.db.migrate import migrate
from central_server.settings import Argon2Cost, ServerSettings
from tests.server.harness import MutableClock, ServerHarness
from tests.server.postgres import INSTALL_HINT, PostgresCluster, find_bindir

with warnings.catch_warnings():
    # Starlette suggests a successor of httpx that the project does not use yet.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SKIP_PG_ENV = "HELPDESK_SKIP_PG"
BACKENDS = ["sqlite", "postgresql"]
CHEAP_ARGON2 = Argon2Cost(time_cost=1, memory_cost_kib=8, parallelism=1)
_database_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    if os.environ.get(SKIP_PG_ENV) == "1":
        pytest.skip(f"{SKIP_PG_ENV}=1: PostgreSQL tests skipped")
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    cluster = PostgresCluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(postgres: PostgresCluster) -> str:
    name = "helpdesk_template"
    engine = create_server_engine(postgres.create_database(name))
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server-template") / "template.sqlite3"
    engine = create_server_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


def fresh_database(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        target = tmp_path / "server.sqlite3"
        template = request.getfixturevalue("sqlite_template")
        source = sqlite3.connect(template)
        try:
            with sqlite3.connect(target) as dest:
                source.backup(dest)
        finally:
            source.close()
        yield f"sqlite:///{target}"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    template_name = request.getfixturevalue("pg_template")
    name = f"test_{next(_database_names)}"
    url = cluster.create_database(name, template_name)
    yield url
    cluster.drop_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request, request.param, tmp_path)


@pytest.fixture
def pg_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database only, for tests that need several processes on one database."""
    yield from fresh_database(request, "postgresql", tmp_path)


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


def make_settings(data_dir: Path, database_url: str, **overrides: object) -> ServerSettings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "jwt_secret": "test-secret-" + "x" * 32,
        "argon2": CHEAP_ARGON2,
    }
    return ServerSettings(**(values | overrides))  # type: ignore[arg-type]


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Override in a test module to change the server's settings (e.g. a tiny change retention)."""
    return {}


@pytest.fixture
def server(
    database_url: str, tmp_path: Path, clock: MutableClock, settings_overrides: dict[str, object]
) -> Iterator[ServerHarness]:
    settings = make_settings(tmp_path, database_url, **settings_overrides)
    ctx = open_server(settings, clock=clock)
    app = create_app(settings, context=ctx)
    try:
        with TestClient(app) as http:
            yield ServerHarness(http, ctx, clock)
    finally:
        ctx.close()
