"""Real ``helpdesk-server`` processes over HTTP: one on SQLite, and two sharing one PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

from central_server.db.engine import create_server_engine, make_session_factory
from central_server.models import Change, Client, Incident
from central_server.services.audit_chain import verify_chain
from tests.server.harness import SyncClient, incident_payload
from tests.server.postgres import free_port

SERVER_SCRIPT = Path(sys.executable).with_name("helpdesk-server")
# The checkout under test first: an editable install made before central_server existed does not map it.
REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "process password"


class BaseUrlSession(requests.Session):
    """requests with a base URL and a timeout on every call, shaped like the httpx client SyncClient uses."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base_url + url, *args, **kwargs)


def _env(**extra: str) -> dict[str, str]:
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return os.environ | {"HELPDESK_PASSWORD": PASSWORD, "PYTHONPATH": python_path} | extra


def _cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SERVER_SCRIPT), *argv], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


@contextmanager
def running_server(args: list[str], env: dict[str, str], log: Path, serve_args: tuple[str, ...] = ()) -> Iterator[str]:
    port = free_port()
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *serve_args]
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(SERVER_SCRIPT), *args, *serve],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            if _healthy(f"{base}/health"):
                break
            assert time.monotonic() < deadline, f"the server did not come up:\n{log.read_text()}"
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _real_clock() -> datetime:
    return datetime.now(UTC)


def _client(base: str, username: str) -> SyncClient:
    http = BaseUrlSession(base)
    response = http.post(
        "/auth/login", json={"username": username, "password": PASSWORD, "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    client = SyncClient(http, _real_clock, username, uuid.UUID(tokens["user"]["id"]), tokens)  # type: ignore[arg-type]
    client.client_id = uuid.UUID(str(client.client_id))
    return client


def test_a_real_server_process_on_sqlite_serves_login_over_http(tmp_path):
    assert SERVER_SCRIPT.exists(), f"{SERVER_SCRIPT} missing: pip install -e '.[dev,server]'"
    data = str(tmp_path / "server-data")
    env = _env()
    added = _cli("--data-dir", data, "user", "add", "admin", "--role", "admin", env=env)

    with running_server(["--data-dir", data], env, tmp_path / "server.log") as base:
        login = requests.post(
            f"{base}/auth/login",
            json={"username": "admin", "password": PASSWORD, "client_id": str(uuid.uuid4())},
            timeout=10,
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        conflicts = requests.get(f"{base}/sync/conflicts", headers=headers, timeout=10)
        openapi = requests.get(f"{base}/openapi.json", timeout=10)

    assert added.stdout.strip() == "added admin admin"
    assert login.status_code == 200
    assert login.json()["user"]["role"] == "admin"
    assert conflicts.status_code == 200
    assert conflicts.json() == []
    assert "/sync/push" in openapi.json()["paths"]
    assert (Path(data) / "helpdesk-server.sqlite3").exists()


def _push_batches(client: SyncClient, bases: list[str], block: dict[str, int], batches: int) -> list[dict[str, Any]]:
    """Push batches of creates, alternating between the servers; numbers from the block, then none."""
    numbers = iter(range(block["start"], block["end"] + 1))
    results: list[dict[str, Any]] = []
    for index in range(batches):
        client.http.base_url = bases[index % len(bases)]  # type: ignore[attr-defined]
        batch = [
            client.mutation("create_incident", uuid.uuid4(), incident_payload(number=next(numbers, None)))
            for _ in range(5)
        ]
        results.extend(client.push(*batch))
    return results


def test_two_server_processes_share_one_postgresql(tmp_path, pg_database_url):
    database_url = pg_database_url
    env = _env(HELPDESK_SERVER_SECRET="shared-secret-" + "s" * 32)
    for name in ("alice", "bob"):
        _cli(
            "--database-url", database_url, "--data-dir", str(tmp_path), "user", "add", name, "--role", "agent", env=env
        )
    args = ["--database-url", database_url, "--data-dir", str(tmp_path)]

    with (
        running_server(args, env, tmp_path / "one.log") as one,
        running_server(args, env, tmp_path / "two.log") as two,
    ):
        alice, bob = _client(one, "alice"), _client(two, "bob")
        blocks = []
        for client in (alice, bob):
            response = client.http.post(
                "/sync/numbers", json={"client_id": str(client.client_id), "size": 8}, headers=client.headers
            )
            blocks.append(response.json())
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(_push_batches, alice, [one, two], blocks[0], 4),
                pool.submit(_push_batches, bob, [two, one], blocks[1], 4),
            ]
            results = [r for future in futures for r in future.result()]
        pulled_one, cursor_one = _client(one, "alice").pull_all()
        pulled_two, cursor_two = _client(two, "alice").pull_all()
        # The login rate limit lives in the database: failures on one process lock the user on the other.
        wrong = {"username": "bob", "password": "wrong password", "client_id": str(uuid.uuid4())}
        failures = [requests.post(f"{one}/auth/login", json=wrong, timeout=10).status_code for _ in range(5)]
        locked = requests.post(f"{two}/auth/login", json=wrong | {"password": PASSWORD}, timeout=10)

    assert [r["outcome"] for r in results] == ["applied"] * 40
    engine = create_server_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            numbers = list(session.scalars(select(Incident.number)))
            counters = list(session.scalars(select(Change.counter).order_by(Change.counter)))
            last_seqs = sorted(
                session.scalars(select(Client.last_seq).where(Client.id.in_([alice.client_id, bob.client_id])))
            )
            chain = verify_chain(session)
            incident_count = session.scalar(select(func.count()).select_from(Incident))
    finally:
        engine.dispose()
    assert incident_count == 40
    assert len(set(numbers)) == 40  # no duplicate numbers
    assert counters == list(range(1, len(counters) + 1))  # gap-free, in commit order
    assert last_seqs == [20, 20]
    assert chain.ok
    assert chain.checked == 40
    assert pulled_one == pulled_two
    assert cursor_one == cursor_two == counters[-1]
    assert failures == [401] * 5
    assert locked.status_code == 429


def test_several_worker_processes_serve_one_sqlite_file(tmp_path):
    data = str(tmp_path / "server-data")
    env = _env()
    names = ["ann", "ben", "cat", "dan"]
    for name in names:
        _cli("--data-dir", data, "user", "add", name, "--role", "agent", env=env)

    with running_server(["--data-dir", data], env, tmp_path / "server.log", ("--workers", "2")) as base:
        clients = [_client(base, name) for name in names]
        blocks = [
            c.http.post("/sync/numbers", json={"client_id": str(c.client_id), "size": 8}, headers=c.headers).json()
            for c in clients
        ]
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            pairs = zip(clients, blocks, strict=True)
            futures = [pool.submit(_push_batches, client, [base], block, 3) for client, block in pairs]
            results = [r for future in futures for r in future.result()]
        pulled, cursor = _client(base, "ann").pull_all()

    assert [r["outcome"] for r in results] == ["applied"] * 60
    engine = create_server_engine(f"sqlite:///{data}/helpdesk-server.sqlite3")
    try:
        with make_session_factory(engine)() as session:
            counters = list(session.scalars(select(Change.counter).order_by(Change.counter)))
            chain = verify_chain(session)
            incident_count = session.scalar(select(func.count()).select_from(Incident))
    finally:
        engine.dispose()
    assert incident_count == 60
    assert counters == list(range(1, len(counters) + 1))
    assert cursor == counters[-1]
    assert len({c["entity_id"] for c in pulled if c["entity"] == "incident"}) == 60
    assert chain.ok


def test_serve_refuses_zero_workers(tmp_path):
    result = subprocess.run(
        [str(SERVER_SCRIPT), "--data-dir", str(tmp_path), "serve", "--workers", "0"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers: must be at least 1" in result.stderr


def _healthy(url: str) -> bool:
    """True once the server answers 200; a refused connection means it is still starting."""
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.ConnectionError:
        return False
