"""Pieces of benchmarks/sync.py: processes, the bare comparison server, the clients."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # for tests.server.postgres (the cluster helper the server tests use)

SERVER_SCRIPT = Path(sys.executable).with_name("helpdesk-server")
PASSWORD = "benchmark password"
BOOTSTRAP_PAGE = 1000  # desktop_app/sync/bootstrap.py PAGE_LIMIT
PULL_PAGE = 500  # desktop_app/sync/pull.py PAGE_LIMIT
CREATE_STAMPED = (
    "title", "description", "channel", "reporter_id", "reporter_name", "reporter_email", "reporter_phone",
    "occurred_at", "reported_at", "category_id", "impact", "urgency", "priority", "priority_override_reason",
    "status", "group_id", "assignee_id", "is_drill",
)  # fmt: skip
TARGETS = {"backlog_s": 30.0, "bootstrap_s": 30.0, "idle_round_median_ms": 50.0, "errors": 0, "p99_ms": 500.0}
STARTUP_TIMEOUT_S = 60.0


def log(message: str) -> None:
    print(f"[sync-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure the sync server: backlog, bootstrap, idle round, many clients."
    )
    parser.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL instead of SQLite")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the concurrent phase (default 60)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--backlog", type=int, default=10_000, help="mutations in the backlog (default 10,000)")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--incidents", type=int, default=100_000, help="incidents seeded for bootstrap")
    parser.add_argument("--rounds", type=int, default=50, help="no-change rounds (default 50)")
    parser.add_argument(
        "--workers", type=int, default=2, help="server processes, for the server and the bare app alike (default 2)"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=1.0,
        help="seconds between one client's rounds in the paced phase (default 1; the app syncs every 60 s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, server logs)")
    parser.add_argument("--serve-bare", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the bare app: one database write per item, one page read ------------------------------------


ENV_BARE_URL = "HELPDESK_BENCH_BARE_URL"


def serve_bare(database_url: str, port: int, workers: int) -> None:
    import uvicorn

    from central_server.http_protocol import NoDelayHTTPProtocol  # the same transport as the server's

    if workers == 1:
        uvicorn.run(bare_app(database_url), host="127.0.0.1", port=port, log_level="warning", http=NoDelayHTTPProtocol)
        return
    os.environ[ENV_BARE_URL] = database_url
    uvicorn.run(
        "sync_parts:bare_app_from_environment",
        factory=True,
        workers=workers,
        http=NoDelayHTTPProtocol,
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


def bare_app_from_environment() -> Any:
    return bare_app(os.environ[ENV_BARE_URL])


def bare_app(database_url: str) -> Any:
    from fastapi import FastAPI
    from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select

    from central_server.db.engine import BEGIN_IMMEDIATE, create_server_engine

    engine = create_server_engine(database_url)  # the same driver, pool and SQLite PRAGMAs as the server
    metadata = MetaData()
    rows = Table(
        "bench_writes",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client", Text),
        Column("payload", Text),
    )
    metadata.create_all(engine)
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        with engine.connect() as connection:
            connection.execute(select(func.count()).select_from(rows).where(rows.c.id < 0))
        return {"status": "ok"}

    @app.get("/info")
    def info() -> dict[str, int]:
        with engine.connect() as connection:
            return {"cursor": int(connection.scalar(select(func.max(rows.c.id))) or 0)}

    @app.post("/write")
    def write(body: dict[str, Any]) -> dict[str, Any]:
        ids = []
        for item in body.get("items", []):
            # One transaction per item, as the server applies each mutation in its own.
            with engine.connect().execution_options(**{BEGIN_IMMEDIATE: True}) as connection, connection.begin():
                statement = insert(rows).values(client=body.get("client"), payload=json.dumps(item))
                ids.append(connection.execute(statement).inserted_primary_key[0])
        return {"ids": ids}

    @app.get("/read")
    def read(after: int = 0, limit: int = PULL_PAGE) -> dict[str, Any]:
        with engine.connect() as connection:
            found = connection.execute(
                select(rows.c.id, rows.c.payload).where(rows.c.id > after).order_by(rows.c.id).limit(limit + 1)
            ).all()
        page = found[:limit]
        return {
            "rows": [{"id": row.id, "data": json.loads(row.payload)} for row in page],
            "cursor": page[-1].id if page else after,
            "has_more": len(found) > limit,
        }

    return app


# --- processes and databases -------------------------------------------------------------------------


def free_port() -> int:
    from tests.server.postgres import free_port as pick

    return pick()


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _tree(pid: int) -> list[int]:
    """The process and its descendants (``serve --workers N`` runs the work in child processes)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return tree


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process tree so far (Linux /proc), to tell the server's work from the clients'."""
    total = None
    for member in _tree(pid):
        if fields := _stat(member):
            total = (total or 0) + int(fields[11]) + int(fields[12])
    return None if total is None else total / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class Served:
    base: str
    pid: int


@contextmanager
def cpu_used(into: dict[str, Any], *processes: tuple[str, int]) -> Iterator[None]:
    """Adds ``<name>_cpu_s`` for each (name, pid) to ``into``: CPU seconds spent inside the block."""
    before = {name: cpu_seconds(pid) for name, pid in processes}
    yield
    for name, pid in processes:
        after, start = cpu_seconds(pid), before[name]
        into[f"{name}_cpu_s"] = None if after is None or start is None else round(after - start, 2)


@contextmanager
def process(argv: list[str], log_path: Path, env: dict[str, str] | None = None) -> Iterator[Served]:
    port = free_port()
    with log_path.open("w") as output:
        child = subprocess.Popen(
            [*argv, "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT, cwd=REPO
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited:\n{log_path.read_text()}")
            try:
                if requests.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise RuntimeError(f"{argv[0]} did not come up:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield Served(base, child.pid)
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextmanager
def databases(postgres: bool, root: Path) -> Iterator[tuple[str, str, str]]:
    """(backend name, server database URL, bare app database URL)."""
    if not postgres:
        yield "sqlite", f"sqlite:///{root / 'server' / 'helpdesk-server.sqlite3'}", f"sqlite:///{root / 'bare.sqlite3'}"
        return
    from tests.server.postgres import INSTALL_HINT, PostgresCluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit(INSTALL_HINT)
    cluster = PostgresCluster(bindir)
    cluster.start()
    try:
        yield "postgresql", cluster.create_database("helpdesk"), cluster.create_database("bare")
    finally:
        cluster.stop()


def prepare_server(data_dir: Path, database_url: str, clients: int) -> None:
    """Migrate and add the users (cheap password hashes: logins are not what is measured)."""
    from central_server.context import open_server
    from central_server.services import users
    from central_server.settings import Argon2Cost, settings_from_environment

    settings = settings_from_environment(data_dir, database_url)
    ctx = open_server(dataclasses.replace(settings, argon2=Argon2Cost(time_cost=1, memory_cost_kib=8, parallelism=1)))
    try:
        users.add_user(ctx, "bench-admin", role="admin", password=PASSWORD)
        for n in range(clients):
            users.add_user(ctx, f"agent{n:03d}", role="agent", password=PASSWORD)
    finally:
        ctx.close()


# --- sync clients ------------------------------------------------------------------------------------


class Hlc:
    def __init__(self) -> None:
        self.last = (0, 0)

    def __call__(self) -> str:
        wall = int(time.time() * 1000)
        self.last = (wall, 0) if wall > self.last[0] else (self.last[0], self.last[1] + 1)
        return f"{self.last[0]:015d}-{self.last[1]:06d}"


def incident_payload(title: str) -> dict[str, Any]:
    return {
        "number": None,
        "title": title,
        "description": "Benchmark incident: the printer on floor 3 jams on every page",
        "channel": "phone",
        "reporter_id": None,
        "reporter_name": "Ann Lee",
        "reporter_email": None,
        "reporter_phone": None,
        "occurred_at": "2026-03-02T08:30:00+00:00",
        "reported_at": "2026-03-02T08:45:00+00:00",
        "category_id": None,
        "impact": 2,
        "urgency": 2,
        "priority": "P3",
        "priority_override_reason": None,
        "status": "new",
        "group_id": None,
        "assignee_id": None,
        "is_drill": False,
    }


class Mutations:
    """One client's mutations: contiguous seqs, its own HLC; one incident, then its edits and notes in turn."""

    def __init__(self) -> None:
        self.seq = 0
        self.hlc = Hlc()
        self.incident_id: str | None = None
        self.title = ""

    def make(self, name: str, entity_id: str, payload: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "mutation_id": str(uuid.uuid4()),
            "seq": self.seq,
            "name": name,
            "entity_id": entity_id,
            "payload": payload,
            "base": base,
            "hlc": self.hlc(),
            "device_time": datetime.now(UTC).isoformat(),
        }

    def next(self, index: int) -> dict[str, Any]:
        """create_incident, update_fields, add_note, in turn."""
        step = index % 3
        if step == 0 or self.incident_id is None:
            self.incident_id, self.title = str(uuid.uuid4()), f"Incident {index}"
            return self.make("create_incident", self.incident_id, incident_payload(self.title), {})
        if step == 1:
            old, self.title = self.title, f"{self.title} (edited)"
            return self.make("update_fields", self.incident_id, {"title": self.title}, {"title": old, "version": 1})
        note = {"note_id": str(uuid.uuid4()), "kind": "worklog", "body": f"Worked on it ({index})"}
        return self.make("add_note", self.incident_id, note, {})


class Client:
    """One client installation: its own HTTP session, login, client_id and mutations."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.client_id = str(uuid.uuid4())
        self.mutations = Mutations()
        self.cursor = 0
        response = self.http.post(
            f"{base}/auth/login",
            json={"username": username, "password": PASSWORD, "client_id": self.client_id},
            timeout=60,
        )
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def next_mutation(self, index: int) -> dict[str, Any]:
        return self.mutations.next(index)

    def skip_to_head(self) -> None:
        """As a client that bootstrapped: pull from the newest change on."""
        self.cursor = int(self.http.get(f"{self.base}/sync/info", timeout=60).json()["cursor"])

    def push(self, mutations: list[dict[str, Any]]) -> None:
        response = self.http.post(
            f"{self.base}/sync/push", json={"client_id": self.client_id, "mutations": mutations}, timeout=120
        )
        response.raise_for_status()
        body = response.json()
        refused = [r for r in body["results"] if r["outcome"] != "applied"]
        expected = mutations[-1]["seq"] if mutations else body["last_seq"]
        if refused or len(body["results"]) != len(mutations) or body["last_seq"] != expected:
            raise RuntimeError(f"push not acknowledged: last_seq {body['last_seq']}, refused {refused[:3]}")

    def pull(self) -> int:
        """Pull to the head; the number of changes."""
        count = 0
        while True:
            response = self.http.get(
                f"{self.base}/sync/pull", params={"cursor": self.cursor, "limit": PULL_PAGE}, timeout=120
            )
            response.raise_for_status()
            body = response.json()
            count += len(body["changes"])
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return count


class BareClient:
    """The same calls against the bare app: /write for a push, /read for a pull."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.client_id = str(uuid.uuid4())
        self.mutations = Mutations()  # bodies of the same shape and size
        self.cursor = 0

    def next_mutation(self, index: int) -> dict[str, Any]:
        return self.mutations.next(index)

    def skip_to_head(self) -> None:
        self.cursor = int(self.http.get(f"{self.base}/info", timeout=60).json()["cursor"])

    def push(self, mutations: list[dict[str, Any]]) -> None:
        response = self.http.post(
            f"{self.base}/write", json={"client": self.client_id, "items": mutations}, timeout=120
        )
        response.raise_for_status()
        if len(response.json()["ids"]) != len(mutations):
            raise RuntimeError("bare write not acknowledged")

    def pull(self) -> int:
        count = 0
        while True:
            response = self.http.get(
                f"{self.base}/read", params={"after": self.cursor, "limit": PULL_PAGE}, timeout=120
            )
            response.raise_for_status()
            body = response.json()
            count += len(body["rows"])
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return count


AnyClient = Client | BareClient


# --- the four measurements ---------------------------------------------------------------------------
