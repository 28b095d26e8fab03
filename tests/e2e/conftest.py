"""End-to-end fixtures: real ``helpdesk-server`` processes on SQLite and on PostgreSQL, real clients.

- ``backend`` (parametrised ``sqlite`` / ``postgresql``) and ``database_url``: a fresh server database per
  test, copied from a template seeded once per session per backend (``harness.seed_database``). PostgreSQL
  is a throw-away cluster started with initdb/pg_ctl as an unprivileged user (``tests/server/postgres.py``);
  without the binaries the PostgreSQL half FAILS naming the package, unless ``HELPDESK_SKIP_PG=1``.
  A test for one backend only says ``@pytest.mark.parametrize("backend", ["postgresql"])``.
- ``farm``: starts ``helpdesk-server`` processes on that database (``farm.start(**env)``); all are stopped at
  teardown, whether the test passed or not. ``server``: one started with no extra settings.
- ``clients``: ``clients("alice", server)`` makes a real client in its own data dir (``clock=`` for a skewed
  one) and logs it in as that user; all are closed at teardown.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.domain.clock import Clock, utc_now
from tests.e2e.harness import E2EClient, ServerFarm, seed_database
from tests.server.postgres import INSTALL_HINT, PostgresCluster, find_bindir
from tests.sync.e2e_support import RunningServer

SKIP_PG_ENV = "HELPDESK_SKIP_PG"
BACKENDS = ["sqlite", "postgresql"]
PG_TEMPLATE = "e2e_template"
_database_names = itertools.count(1)

ClientFactory = Callable[..., E2EClient]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.slow)


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
def pg_seeded_template(postgres: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    seed_database(postgres.create_database(PG_TEMPLATE), tmp_path_factory.mktemp("pg-seed"))
    return PG_TEMPLATE


@pytest.fixture(scope="session")
def sqlite_seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sqlite-seed")
    path = directory / "template.sqlite3"
    seed_database(f"sqlite:///{path}", directory)
    return path


def _fresh_database(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_seeded_template")
        target = tmp_path / "server-db" / "helpdesk-server.sqlite3"
        target.parent.mkdir()
        source = sqlite3.connect(template)
        try:
            with sqlite3.connect(target) as dest:
                source.backup(dest)
        finally:
            source.close()
        yield f"sqlite:///{target}"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    name = f"e2e_{next(_database_names)}"
    url = cluster.create_database(name, request.getfixturevalue("pg_seeded_template"))
    yield url
    cluster.drop_database(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    yield from _fresh_database(request, backend, tmp_path)


@pytest.fixture
def farm(database_url: str, tmp_path: Path) -> Iterator[ServerFarm]:
    servers = ServerFarm(database_url, tmp_path / "servers")
    try:
        yield servers
    finally:
        servers.stop_all()


@pytest.fixture
def server(farm: ServerFarm) -> RunningServer:
    return farm.start()


@pytest.fixture
def clients(tmp_path: Path) -> Iterator[ClientFactory]:
    made: list[E2EClient] = []

    def make(
        username: str, server: RunningServer, *, name: str | None = None, clock: Clock = utc_now, login: bool = True
    ) -> E2EClient:
        label = name or username
        client = E2EClient(label, tmp_path / "clients" / label, username=username, clock=clock)
        made.append(client)
        if login:
            client.login(server, username)
        return client

    yield make
    for client in made:
        client.close()
