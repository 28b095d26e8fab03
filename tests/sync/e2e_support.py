"""End-to-end support: a real ``helpdesk-server`` process on SQLite, and real clients on their own data dirs.

The server runs as ``python -m central_server.cli`` (what the ``helpdesk-server`` script runs) with the
repository on PYTHONPATH, so it works even when the editable install predates ``central_server``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from desktop_app.context import AppContext, open_context
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.models import Incident, Note
from desktop_app.sync.dtos import OutboxState

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
STARTUP_SECONDS = 30.0
# Fields every client must agree on with the server once converged.
COMPARED_FIELDS = (
    "number", "title", "description", "channel", "reporter_id", "category_id", "impact", "urgency", "priority",
    "status", "hold_reason", "group_id", "assignee_id", "workaround", "resolution_code", "root_cause",
    "resolution_steps", "is_drill",
)  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("HELPDESK_DATA_DIR", None)
    env.update(extra)
    return env


@dataclass
class RunningServer:
    data_dir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
        env = self.env | ({"HELPDESK_PASSWORD": password} if password else {})
        return subprocess.run(
            [sys.executable, "-m", "central_server.cli", "--data-dir", str(self.data_dir), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

    def add_user(self, name: str, role: str, *groups: str) -> None:
        group_args = [arg for group in groups for arg in ("--group", group)]
        self.cli("user", "add", name, "--role", role, "--name", name.capitalize(), *group_args, password=PASSWORD)

    def start(self) -> RunningServer:
        self.log = self.data_dir / "server.log"
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "central_server.cli", "--data-dir", str(self.data_dir), "serve",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=self.env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        handle.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"helpdesk-server exited: {self.log.read_text(errors='replace')[-2000:]}")
            if _healthy(f"{self.url}/health"):
                return self
            time.sleep(0.1)
        raise RuntimeError("helpdesk-server did not answer /health in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


@dataclass
class Client:
    """A real client: its own data directory, the real services and sync engine."""

    name: str
    data_dir: Path
    context: AppContext = field(init=False)

    def __post_init__(self) -> None:
        self.context = open_context(self.data_dir)

    def login(self, server: RunningServer, username: str) -> None:
        self.context.sync.login(server.url, username, PASSWORD)

    def sync(self) -> Any:
        return self.context.sync.sync_once()

    def incident(self, incident_id: uuid.UUID) -> IncidentDetail:
        return self.context.incidents.get(incident_id)

    def reopen(self) -> None:
        self.context.close()
        self.context = open_context(self.data_dir)

    def close(self) -> None:
        self.context.close()


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*args: str, env: dict[str, str]) -> CliRun:
    """``helpdesk-cli ARGS`` as a real process (``python -m desktop_app.cli.main``)."""
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli.main", *args],
        env=process_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return CliRun(done.returncode, done.stdout, done.stderr)


def incident_states(context: AppContext, only: set[uuid.UUID] | None = None) -> dict[uuid.UUID, dict[str, Any]]:
    """What convergence compares: each incident's fields and its notes (id, kind, body)."""
    with context.sync.store.read() as session:
        incidents = session.query(Incident).all()
        notes = session.query(Note).all()
    by_incident: dict[uuid.UUID, list[tuple[str, str, str]]] = {}
    for note in notes:
        by_incident.setdefault(note.incident_id, []).append((str(note.id), note.kind, note.body))
    return {
        incident.id: {name: getattr(incident, name) for name in COMPARED_FIELDS}
        | {"notes": sorted(by_incident.get(incident.id, []))}
        for incident in incidents
        if only is None or incident.id in only
    }


def unsettled(context: AppContext) -> list[str]:
    """Outbox entries that are neither applied, refused with a reason, in conflict, nor discarded."""
    problems = []
    for item in context.sync.outbox(limit=1_000_000):
        if item.state == OutboxState.PENDING:
            problems.append(f"#{item.seq} {item.name} is still pending")
        elif item.state == OutboxState.REJECTED and not (item.error_code and item.error_reason):
            problems.append(f"#{item.seq} {item.name} was refused without a reason")
    return problems


def _healthy(url: str) -> bool:
    """True once the server answers 200; no answer yet means it is still starting."""
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False
