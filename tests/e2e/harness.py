"""End-to-end harness: seeded server databases, real server processes, real clients, the server's view.

Built on ``tests/sync/e2e_support.py`` (``RunningServer``, ``Client``, ``incident_states``...) and
``tests/server/postgres.py`` (the throw-away PostgreSQL cluster):

- ``seed_database(url, data_dir)``: migrate a server database and add the users every test logs in as,
  through the server's own services (the code behind ``helpdesk-server user add``) with a cheap argon2
  cost; the hash carries its cost, so the real server process verifies it quickly. Done once per backend
  into a template, then copied per test (a file copy, or ``CREATE DATABASE ... TEMPLATE``).
- ``E2EClient``: ``e2e_support.Client`` opened with a clock of its own (``open_context(clock=...)``).
- ``WireSession``: the protocol by hand over ``requests`` (login, push, pull, bootstrap), for duplicated
  and replayed pushes and for reading the server's view of a user (``server_view``).
- ``assert_converged``: every client syncs twice, then holds exactly the server's view for its user
  (every synced incident field and every note), and nothing it ever committed is lost
  (``assert_nothing_lost``: each outbox entry applied, refused with a reason or in conflict, and each one
  sent is in the server's hash-chained mutation log exactly once with the same outcome).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central_server.context import open_server
from central_server.db.engine import create_server_engine, make_session_factory
from central_server.models import Client as ServerClient
from central_server.models import MutationLogEntry
from central_server.services import users
from central_server.services.audit_chain import verify_chain
from central_server.settings import Argon2Cost, ServerSettings
from desktop_app.context import open_context
from desktop_app.domain.clock import Clock, utc_now
from desktop_app.models import Attachment, Incident, Note
from desktop_app.sync.dtos import OutboxItem, OutboxState
from desktop_app.sync.wire import INCIDENT_FIELDS, incident_columns
from tests.sync.e2e_support import PASSWORD, Client, RunningServer, free_port, process_env

# Who every test database knows (PASSWORD from e2e_support for all).
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "alice": ("technician", ("Field Services",)),
    "carol": ("technician", ("Field Services",)),
    "bob": ("supervisor", ("Service Desk",)),
    "root": ("admin", ()),
}
FIELD_SERVICES = "Field Services"
SERVICE_DESK = "Service Desk"
# Every server process of a test shares this, so tokens one issues are good at the others (DESIGN §1:
# stateless processes behind a load balancer).
SHARED_SECRET = "e2e-shared-secret-" + "s" * 40
CHEAP_ARGON2 = Argon2Cost(time_cost=1, memory_cost_kib=8, parallelism=1)
# Every synced incident field (PROTOCOL.md "Entity data"), compared between each client and the server.
SYNCED_FIELDS = INCIDENT_FIELDS
# Outbox entries a client may discard on its own, never sent: its starter directory and the local user
# that became the server account at login, a starter row the server already had (sync.bootstrap, identity, remap).
SILENT_DISCARDS = frozenset({"first_run_default", "superseded", "merged"})
POLL_SECONDS = 0.02


def seed_database(database_url: str, data_dir: Path) -> None:
    settings = ServerSettings(
        data_dir=data_dir, database_url=database_url, jwt_secret=SHARED_SECRET, argon2=CHEAP_ARGON2
    )
    ctx = open_server(settings)
    try:
        for username, (role, groups) in USERS.items():
            users.add_user(ctx, username, role=role, password=PASSWORD, name=username.capitalize(), groups=list(groups))
        if ctx.settings.is_sqlite:
            with ctx.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ctx.close()


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll ``condition`` until it returns something truthy (returned); fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)


# --- servers ------------------------------------------------------------------------------------


@dataclass
class ServerFarm:
    """Real ``helpdesk-server`` processes on one database; every one is stopped at teardown."""

    database_url: str
    root: Path
    started: list[RunningServer] = field(default_factory=list)

    def _env(self, extra: dict[str, str]) -> dict[str, str]:
        shared = {"HELPDESK_SERVER_DATABASE_URL": self.database_url, "HELPDESK_SERVER_SECRET": SHARED_SECRET}
        return process_env(**(shared | extra))

    def start(self, **env: str) -> RunningServer:
        """A new process (its own data dir and port) on the shared database, with ``env`` added."""
        data_dir = self.root / f"server{len(self.started)}"
        data_dir.mkdir(parents=True)
        server = RunningServer(data_dir, free_port(), self._env(env))
        self.started.append(server)  # before it starts: stopped at teardown even if the start fails
        return server.start()

    def restart(self, server: RunningServer, **env: str) -> RunningServer:
        """Stop (if still running) and start again on the same port and database, with only ``env`` added."""
        server.stop()
        server.env = self._env(env)
        return server.start()

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()

    @contextmanager
    def db(self) -> Iterator[Session]:
        """A session on the servers' database, for what the protocol does not show (the mutation log)."""
        engine = create_server_engine(self.database_url)
        try:
            with make_session_factory(engine)() as session:
                yield session
        finally:
            engine.dispose()


def server_log(server: RunningServer) -> str:
    return server.log.read_text(errors="replace") if server.log and server.log.exists() else ""


# --- clients ------------------------------------------------------------------------------------


class SkewedClock:
    """The real time plus an offset that a test may change (a clock a day fast, one that jumps back)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return utc_now() + self.offset


@dataclass
class E2EClient(Client):
    """A real client (its own data dir, services and sync engine) logged in as ``username``."""

    username: str = ""
    clock: Clock = utc_now

    def __post_init__(self) -> None:
        self.context = open_context(self.data_dir, clock=self.clock)

    def reopen(self) -> None:
        self.context.close()
        self.context = open_context(self.data_dir, clock=self.clock)

    @property
    def client_id(self) -> uuid.UUID:
        return self.context.sync.store.client_id()

    def group(self, name: str) -> uuid.UUID:
        return self.context.directory.find_group(name).id

    def agent(self, username: str) -> uuid.UUID:
        return self.context.directory.find_agent(username).id

    def outbox(self) -> list[OutboxItem]:
        return self.context.sync.outbox(limit=1_000_000)

    def pending(self) -> list[OutboxItem]:
        return self.context.sync.outbox((OutboxState.PENDING,), limit=1_000_000)


def client_states(client: Client) -> dict[uuid.UUID, dict[str, Any]]:
    """Each local incident: every synced field (column values), its notes as (id, kind, body) and its
    attachments (``attachment_key``)."""
    with client.context.sync.store.read() as session:
        incidents = session.scalars(select(Incident)).all()
        notes = session.scalars(select(Note)).all()
        attachments = session.scalars(select(Attachment)).all()
    by_incident: dict[uuid.UUID, list[tuple[str, str, str]]] = {}
    for note in notes:
        by_incident.setdefault(note.incident_id, []).append((str(note.id), note.kind, note.body))
    files: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
    columns = Attachment.__table__.columns
    for row in attachments:
        files.setdefault(row.incident_id, []).append(attachment_key({c.key: getattr(row, c.key) for c in columns}))
    return {
        row.id: {name: getattr(row, name) for name in SYNCED_FIELDS}
        | {"notes": sorted(by_incident.get(row.id, [])), "attachments": sorted(files.get(row.id, []))}
        for row in incidents
    }


def attachment_key(values: dict[str, Any]) -> tuple[Any, ...]:
    """What convergence compares of an attachment row (a client's columns or the server's data)."""
    names = ("id", "sha256", "display_name", "mime_type", "size", "caption", "created_by", "removed_by")
    text = tuple(None if values.get(name) is None else str(values[name]) for name in names)
    return (*text, values.get("removed_at") is not None)


# --- the protocol by hand -----------------------------------------------------------------------


class WireSession:
    """One login over plain ``requests``: push, pull and bootstrap exactly as a client would send them."""

    def __init__(self, url: str, username: str, client_id: uuid.UUID | None = None) -> None:
        self.url = url
        self.client_id = client_id or uuid.uuid4()
        self.http = requests.Session()
        body = {"username": username, "password": PASSWORD, "client_id": str(self.client_id), "device_name": "wire"}
        answer = self.http.post(f"{url}/auth/login", json=body, timeout=30)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> WireSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def push_raw(self, body: dict[str, Any]) -> requests.Response:
        # A plain requests.post (no shared Session), so that threads may push at the same time.
        return requests.post(f"{self.url}/sync/push", json=body, headers=self._headers(), timeout=60)

    def push(self, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        answer = self.push_raw({"client_id": str(self.client_id), "mutations": mutations})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def pull_raw(self, cursor: int, limit: int = 1000) -> requests.Response:
        params: dict[str, int] = {"cursor": cursor, "limit": limit}
        return self.http.get(f"{self.url}/sync/pull", params=params, headers=self._headers(), timeout=60)

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}{path}", headers=self._headers(), timeout=60)

    def bootstrap(self) -> list[dict[str, Any]]:
        entities: list[dict[str, Any]] = []
        page: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 5000} | ({"page": page} if page else {})
            answer = self.http.get(f"{self.url}/sync/bootstrap", params=params, headers=self._headers(), timeout=60)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            entities += body["entities"]
            page = body["next_page"]
            if page is None:
                return entities


def server_cursor(server: RunningServer) -> int:
    return int(requests.get(f"{server.url}/sync/info", timeout=10).json()["cursor"])


def view_of(entities: Iterable[dict[str, Any]]) -> dict[uuid.UUID, dict[str, Any]]:
    """Bootstrap entities → the shape of ``client_states``."""
    incidents: dict[uuid.UUID, dict[str, Any]] = {}
    notes: dict[uuid.UUID, list[tuple[str, str, str]]] = {}
    files: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
    for entity in entities:
        data = entity["data"]
        if entity["entity"] == "incident":
            columns = incident_columns(data)
            incidents[uuid.UUID(data["id"])] = {name: columns.get(name) for name in SYNCED_FIELDS}
        elif entity["entity"] == "note":
            notes.setdefault(uuid.UUID(data["incident_id"]), []).append((data["id"], data["kind"], data["body"]))
        elif entity["entity"] == "attachment":
            files.setdefault(uuid.UUID(data["incident_id"]), []).append(attachment_key(data))
    return {
        key: state | {"notes": sorted(notes.get(key, [])), "attachments": sorted(files.get(key, []))}
        for key, state in incidents.items()
    }


def server_view(server: RunningServer, username: str) -> dict[uuid.UUID, dict[str, Any]]:
    """What the server holds now for ``username``: a fresh bootstrap, through a login of its own."""
    with WireSession(server.url, username) as wire:
        return view_of(wire.bootstrap())


def server_entities(server: RunningServer, username: str, kind: str) -> list[dict[str, Any]]:
    with WireSession(server.url, username) as wire:
        return [entity["data"] for entity in wire.bootstrap() if entity["entity"] == kind]


# --- convergence and nothing lost ---------------------------------------------------------------


def assert_nothing_lost(client: E2EClient, farm: ServerFarm) -> None:
    """Every outbox entry ever committed here is applied, refused with a reason, or in conflict (with a
    conflict record); each one sent is in the server's mutation log exactly once, with the same outcome."""
    items = client.outbox()
    problems: list[str] = []
    for item in items:
        label = f"{client.name} #{item.seq} {item.name}"
        if item.state == OutboxState.PENDING:
            problems.append(f"{label} is still pending")
        elif item.state == OutboxState.REJECTED and not (item.error_code and item.error_reason):
            problems.append(f"{label} was refused without a code and reason")
        elif item.state == OutboxState.DISCARDED and (item.error_code not in SILENT_DISCARDS or item.wire_seq):
            problems.append(f"{label} was discarded ({item.error_code}) after being sent or without a reason")
    conflicted = {view.mutation_id for view in client.context.sync.conflicts(include_resolved=True)}
    problems += [
        f"{client.name} #{item.seq} {item.name} is in conflict without a conflict record"
        for item in items
        if item.state == OutboxState.CONFLICT and item.mutation_id not in conflicted
    ]
    sent = {item.mutation_id: item for item in items if item.wire_seq is not None}
    with farm.db() as session:
        logged = session.execute(
            select(MutationLogEntry.mutation_id, MutationLogEntry.name, MutationLogEntry.outcome).where(
                MutationLogEntry.client_id == client.client_id
            )
        ).all()
        last_seq = session.scalar(select(ServerClient.last_seq).where(ServerClient.id == client.client_id))
    times = Counter(row.mutation_id for row in logged if row.mutation_id in sent)
    outcomes = {row.mutation_id: row.outcome for row in logged}
    for mutation_id, item in sent.items():
        if times[mutation_id] != 1:
            problems.append(
                f"{client.name} {item.name} {mutation_id} is in the server's log {times[mutation_id]} times"
            )
        elif outcomes[mutation_id] != item.state.value:
            problems.append(
                f"{client.name} {item.name}: {item.state.value} here, {outcomes[mutation_id]} on the server"
            )
    highest = max((item.wire_seq or 0 for item in items), default=0)
    if highest and last_seq != highest:
        problems.append(f"{client.name}: the server's last_seq {last_seq} is not this client's highest seq {highest}")
    assert not problems, "\n".join(problems)


def sync_all(clients: Iterable[Client], rounds: int = 2) -> None:
    """Each client syncs, ``rounds`` times round the table (the second round pulls what the first pushed)."""
    chosen = list(clients)
    for _ in range(rounds):
        for each in chosen:
            each.sync()


def assert_converged(server: RunningServer, farm: ServerFarm, *clients: E2EClient) -> dict[uuid.UUID, dict[str, Any]]:
    """Sync all twice; then each client equals the server's view for its user, and nothing was lost.

    Returns the admin's view (every incident) for further assertions.
    """
    sync_all(clients)
    for each in clients:
        assert client_states(each) == server_view(server, each.username), f"{each.name} differs from the server"
        assert_nothing_lost(each, farm)
    everything = server_view(server, "root")
    numbers = [state["number"] for state in everything.values()]
    assert None not in numbers
    assert len(numbers) == len(set(numbers)), "duplicate incident numbers"
    with farm.db() as session:
        chain = verify_chain(session)
        logged = session.scalar(select(func.count()).select_from(MutationLogEntry))
    assert (chain.ok, chain.checked) == (True, logged), chain
    return everything
