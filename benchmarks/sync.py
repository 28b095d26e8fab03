"""Sync server throughput and latency over HTTP, each beside a bare FastAPI app doing one database write.

Starts a real ``helpdesk-server serve`` process on SQLite in a temp data dir (``--postgres``: on a
throw-away PostgreSQL cluster started like ``tests/server/postgres.py`` does) and, on the same kind of
database, a tiny separate uvicorn app (this file with ``--serve-bare``): ``POST /write`` writes each
item it is given in its own transaction (one INSERT), ``GET /read`` pages rows after an id. Then, with
``requests``, measures the server and the bare app the same way in the same run:

(a) backlog: 10,000 mutations (create_incident, update_fields, add_note, in turn) pushed by one client
    in batches of 500 and acknowledged (every result ``applied``): total seconds (target <= 30);
(b) bootstrap: 100,000 incidents inserted into the server's tables with SQLAlchemy Core, then a full
    paged ``/sync/bootstrap`` download, 1,000 per page as the client asks (target <= 30 s);
(c) a no-change sync round (push of 0 mutations + pull with nothing new): median ms of 50 (target <= 50);
(d) 50 concurrent clients (threads, each its own session and login) for ``--duration`` seconds, each
    round pushing 1 mutation and pulling to the head: errors (target 0) and p99 round ms (target <= 500).

Prints one JSON object on stdout (progress on stderr); not part of the test run.

    .venv/bin/python benchmarks/sync.py [--postgres] [--duration 60] [--clients 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="run on a throw-away PostgreSQL instead of SQLite")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the concurrent phase (default 60)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--backlog", type=int, default=10_000, help="mutations in the backlog (default 10,000)")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--incidents", type=int, default=100_000, help="incidents seeded for bootstrap")
    parser.add_argument("--rounds", type=int, default=50, help="no-change rounds (default 50)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, server logs)")
    parser.add_argument("--serve-bare", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the bare app: one database write per item, one page read ------------------------------------


def serve_bare(database_url: str, port: int) -> None:
    import uvicorn
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

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# --- processes and databases -------------------------------------------------------------------------


def free_port() -> int:
    from tests.server.postgres import free_port as pick

    return pick()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (Linux /proc), to tell the server's work from the client threads'."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def measure_backlog(client: AnyClient, total: int, batch: int) -> dict[str, Any]:
    mutations = [client.next_mutation(index) for index in range(total)]
    started = time.perf_counter()
    for start in range(0, total, batch):
        client.push(mutations[start : start + batch])
    return {"mutations": total, "batch": batch, "seconds": round(time.perf_counter() - started, 3)}


def measure_idle_rounds(client: AnyClient, rounds: int) -> dict[str, Any]:
    client.pull()  # to the head, untimed
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.push([])
        changes = client.pull()
        times.append((time.perf_counter() - started) * 1000)
        if changes:
            raise RuntimeError(f"a no-change round pulled {changes} changes")
    return {"rounds": rounds, "median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def measure_concurrent(make: Callable[[int], AnyClient], clients: int, duration: float) -> dict[str, Any]:
    ready = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker(n: int) -> None:
        try:
            client = make(n)
            client.skip_to_head()  # a client in sync, as after its bootstrap
            client.pull()
        except Exception as exc:  # a failed login counts as an error, and the worker still meets the others
            with lock:
                errors.append(f"setup: {type(exc).__name__}: {exc}")
            ready.wait()
            return
        ready.wait()
        deadline = time.monotonic() + duration
        index = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                client.push([client.next_mutation(index)])
                client.pull()
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                # A failed push leaves this client's seq ahead of the server: stop rather than count gaps.
                return
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
            index += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(duration + 300)
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "duration_s": duration,
        "rounds": len(latencies),
        "rounds_per_s": round(len(latencies) / elapsed, 1),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
    }


def seed_incidents(database_url: str, count: int) -> list[dict[str, Any]]:
    """Insert ``count`` incidents straight into the server's table (Core, executemany); returns a sample's data.

    Bootstrap reads the tables and takes its cursor from the change counter: no change rows are needed.
    """
    from sqlalchemy import func, insert, select, update

    from central_server.db.engine import create_server_engine
    from central_server.domain.ids import new_id
    from central_server.models import NUMBERS_COUNTER, Counter, Incident
    from central_server.services.serialize import incident_data

    engine = create_server_engine(database_url)
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            first = int(connection.scalar(select(func.max(Incident.number))) or 0) + 1_000_000
            connection.execute(
                update(Counter).where(Counter.name == NUMBERS_COUNTER).values(value=first + count)
            )  # numbers handed out later stay clear of the seeded ones
        # What create_incident leaves: every field it set stamped with the creating mutation.
        stamp = {"hlc": "001772442000000-000000", "client": str(uuid.uuid4()), "user": None, "mutation": None}
        stamps = dict.fromkeys(CREATE_STAMPED, stamp)
        sample: list[dict[str, Any]] = []
        chunk = 5_000
        for start in range(0, count, chunk):
            rows = []
            for n in range(start, min(count, start + chunk)):
                impact, urgency = n % 3 + 1, (n // 3) % 3 + 1
                rows.append(
                    {
                        "id": new_id(),
                        "number": first + n,
                        "title": f"Seeded incident {n}: printer jams on floor {n % 12}",
                        "description": "Seeded for the bootstrap benchmark; the printer jams on every page.",
                        "channel": "phone",
                        "reporter_id": None,
                        "reporter_name": f"Reporter {n % 5000}",
                        "reporter_email": f"reporter{n % 5000}@example.com",
                        "reporter_phone": None,
                        "occurred_at": now - timedelta(minutes=n),
                        "reported_at": now - timedelta(minutes=n),
                        "category_id": None,
                        "impact": impact,
                        "urgency": urgency,
                        "priority": f"P{impact + urgency - 1}",
                        "priority_override_reason": None,
                        "status": "new",
                        "hold_reason": None,
                        "group_id": None,
                        "assignee_id": None,
                        "parent_id": None,
                        "workaround": None,
                        "resolution_code": None,
                        "root_cause": None,
                        "resolution_steps": None,
                        "resolved_at": None,
                        "closed_at": None,
                        "is_drill": False,
                        "created_by_id": None,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                        "field_stamps": stamps,
                    }
                )
            with engine.begin() as connection:
                connection.execute(insert(Incident), rows)
            if not sample:
                sample = [incident_data(Incident(**row)) for row in rows[:100]]
        return sample
    finally:
        engine.dispose()


def seed_bare(database_url: str, count: int, sample: list[dict[str, Any]]) -> None:
    """The same number of rows, each holding an incident's JSON, in the bare app's table."""
    from sqlalchemy import MetaData, Table, insert

    from central_server.db.engine import create_server_engine

    engine = create_server_engine(database_url)
    try:
        table = Table("bench_writes", MetaData(), autoload_with=engine)
        for start in range(0, count, 5_000):
            rows = [
                {"client": "seed", "payload": json.dumps(sample[n % len(sample)] | {"number": n})}
                for n in range(start, min(count, start + 5_000))
            ]
            with engine.begin() as connection:
                connection.execute(insert(table), rows)
    finally:
        engine.dispose()


def measure_bootstrap(client: Client) -> dict[str, Any]:
    started = time.perf_counter()
    pages = entities = incidents = 0
    token: str | None = None
    while True:
        params: dict[str, Any] = {"limit": BOOTSTRAP_PAGE} | ({"page": token} if token else {})
        response = client.http.get(f"{client.base}/sync/bootstrap", params=params, timeout=300)
        response.raise_for_status()
        body = response.json()
        pages += 1
        entities += len(body["entities"])
        incidents += sum(1 for e in body["entities"] if e["entity"] == "incident")
        token = body["next_page"]
        if token is None:
            break
    seconds = time.perf_counter() - started
    return {"pages": pages, "entities": entities, "incidents": incidents, "seconds": round(seconds, 3)}


def measure_bare_bootstrap(client: BareClient) -> dict[str, Any]:
    started = time.perf_counter()
    pages = rows = 0
    client.cursor = 0
    while True:
        response = client.http.get(
            f"{client.base}/read", params={"after": client.cursor, "limit": BOOTSTRAP_PAGE}, timeout=300
        )
        response.raise_for_status()
        body = response.json()
        pages += 1
        rows += len(body["rows"])
        client.cursor = body["cursor"]
        if not body["has_more"]:
            break
    return {"pages": pages, "entities": rows, "seconds": round(time.perf_counter() - started, 3)}


def ratio(mine: float, bare: float) -> float | None:
    return round(mine / bare, 2) if bare else None


# --- the run -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="helpdesk-sync-bench-"))
    data_dir = root / "server"
    data_dir.mkdir()
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    load_before = os.getloadavg()
    try:
        return _run_in(root, data_dir, env, load_before, args)
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def _run_in(
    root: Path, data_dir: Path, env: dict[str, str], load_before: tuple[float, ...], args: argparse.Namespace
) -> dict[str, Any]:
    with databases(args.postgres, root) as (backend, server_url, bare_url):
        log(f"{backend}: preparing the server database in {root}")
        prepare_server(data_dir, server_url, args.clients)
        server_argv = [str(SERVER_SCRIPT), "--data-dir", str(data_dir), "--database-url", server_url]
        bare_argv = [sys.executable, str(Path(__file__).resolve()), "--serve-bare", bare_url]
        with (
            process([*server_argv, "serve", "--log-level", "warning"], root / "server.log", env) as server,
            process(bare_argv, root / "bare.log", env) as bare,
        ):
            result: dict[str, Any] = {"backend": backend}
            me = ("bench", os.getpid())

            log(f"(a) backlog of {args.backlog} mutations in batches of {args.batch}")
            cpu: dict[str, Any] = {}
            with cpu_used(cpu, ("server", server.pid), me):
                backlog = measure_backlog(Client(server.base, "bench-admin"), args.backlog, args.batch)
            bare_backlog = measure_backlog(BareClient(bare.base), args.backlog, args.batch)
            result["backlog"] = (
                backlog
                | {
                    "target_s": TARGETS["backlog_s"],
                    "ok": backlog["seconds"] <= TARGETS["backlog_s"],
                    "bare_seconds": bare_backlog["seconds"],
                    "ratio": ratio(backlog["seconds"], bare_backlog["seconds"]),
                }
                | cpu
            )
            log(f"    {backlog['seconds']} s (bare {bare_backlog['seconds']} s)")

            log(f"(c) {args.rounds} no-change rounds")
            idle = measure_idle_rounds(Client(server.base, "bench-admin"), args.rounds)
            bare_idle = measure_idle_rounds(BareClient(bare.base), args.rounds)
            result["idle_round"] = idle | {
                "target_median_ms": TARGETS["idle_round_median_ms"],
                "ok": idle["median_ms"] <= TARGETS["idle_round_median_ms"],
                "bare_median_ms": bare_idle["median_ms"],
                "ratio": ratio(idle["median_ms"], bare_idle["median_ms"]),
            }
            log(f"    median {idle['median_ms']} ms (bare {bare_idle['median_ms']} ms)")

            log(f"(d) {args.clients} concurrent clients for {args.duration} s each side")
            cpu, bare_cpu = {}, {}
            with cpu_used(cpu, ("server", server.pid), me):
                busy = measure_concurrent(lambda n: Client(server.base, f"agent{n:03d}"), args.clients, args.duration)
            with cpu_used(bare_cpu, ("bare", bare.pid), me):
                bare_busy = measure_concurrent(lambda _n: BareClient(bare.base), args.clients, args.duration)
            kept = ("rounds", "rounds_per_s", "errors", "p50_ms", "p99_ms")
            result["concurrent"] = (
                busy
                | {
                    "target_errors": TARGETS["errors"],
                    "target_p99_ms": TARGETS["p99_ms"],
                    "ok": busy["errors"] == 0 and busy["p99_ms"] <= TARGETS["p99_ms"],
                    "ratio_p99": ratio(busy["p99_ms"], bare_busy["p99_ms"]),
                    "ratio_throughput": ratio(bare_busy["rounds_per_s"], busy["rounds_per_s"]),
                }
                | cpu
                | {"bare": {k: bare_busy[k] for k in kept} | bare_cpu}
            )
            log(f"    p99 {busy['p99_ms']} ms, {busy['errors']} errors (bare p99 {bare_busy['p99_ms']} ms)")

            log(f"(b) seeding {args.incidents} incidents, then a full bootstrap")
            sample = seed_incidents(server_url, args.incidents)
            seed_bare(bare_url, args.incidents, sample)
            cpu = {}
            with cpu_used(cpu, ("server", server.pid), me):
                booted = measure_bootstrap(Client(server.base, "bench-admin"))
            bare_booted = measure_bare_bootstrap(BareClient(bare.base))
            result["bootstrap"] = (
                {"seeded_incidents": args.incidents, "page_size": BOOTSTRAP_PAGE}
                | booted
                | {
                    "target_s": TARGETS["bootstrap_s"],
                    "ok": booted["seconds"] <= TARGETS["bootstrap_s"],
                    "bare_seconds": bare_booted["seconds"],
                    "bare_entities": bare_booted["entities"],
                    "ratio": ratio(booted["seconds"], bare_booted["seconds"]),
                }
                | cpu
            )
            log(f"    {booted['seconds']} s for {booted['entities']} entities (bare {bare_booted['seconds']} s)")
    result["all_ok"] = all(result[k]["ok"] for k in ("backlog", "bootstrap", "idle_round", "concurrent"))
    result["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        # Other work on the machine skews every number: the 1-minute load before and after the run.
        "load_before": round(load_before[0], 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port)
        return 0
    if not SERVER_SCRIPT.exists():
        raise SystemExit(f"{SERVER_SCRIPT} missing: pip install -e '.[dev,server]'")
    result = run(args)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
