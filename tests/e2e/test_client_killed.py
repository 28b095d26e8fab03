"""kill -9 of a client process (``helpdesk-cli sync``) in the middle of a push and of a pull, on PostgreSQL.

tests/sync/test_e2e_sync.py does the same against a server on SQLite; these run the server on a real
PostgreSQL and end with the full convergence and nothing-lost checks of the e2e harness.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.paths import AppPaths
from tests.e2e.harness import FIELD_SERVICES, assert_converged, server_cursor
from tests.sync.e2e_support import PASSWORD, REPO, process_env

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])
KILL_POLL_SECONDS = 0.005
_FINDINGS = IncidentPatch(
    title="Outage", workaround="Reboot", root_cause="Power", resolution_steps="Replace the UPS", impact=2, urgency=1
)


def _cli_sync(data_dir: Path) -> subprocess.Popen[bytes]:
    """``helpdesk-cli --data-dir D sync`` as its own process; no keyring, so it logs in with the password."""
    env = process_env(HELPDESK_PASSWORD=PASSWORD, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli.main", "--data-dir", str(data_dir), "sync", "--quiet"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _kill_9_when(process: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = 120) -> None:
    """SIGKILL the moment ``ready()`` holds; fails if the process finished first (nothing was interrupted)."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the sync finished before it could be interrupted"
            if ready():
                os.kill(process.pid, signal.SIGKILL)
                assert process.wait(10) == -signal.SIGKILL
                return
            time.sleep(KILL_POLL_SECONDS)
        raise AssertionError("the interruption point never came")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _local_cursor(data_dir: Path) -> int:
    with sqlite3.connect(AppPaths(data_dir).database, timeout=5) as connection:
        row = connection.execute("SELECT cursor FROM sync_state WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def test_a_client_killed_mid_push_resumes_with_every_change_once(server, farm, clients) -> None:
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    bob.sync()
    group = alice.group(FIELD_SERVICES)
    logged = []
    for n in range(100):
        detail = alice.context.incidents.create(IncidentDraft(description=f"Field call {n}", group_id=group)).value
        alice.context.incidents.update(detail.id, _FINDINGS)
        alice.context.incidents.add_note(detail.id, f"Visited site {n}")
        logged.append(detail)
    alice.close()
    before = server_cursor(server)

    # Killed while the server works through the batch: the answer never reaches the client.
    _kill_9_when(_cli_sync(alice.data_dir), lambda: server_cursor(server) >= before + 50)

    alice.reopen()
    in_flight = [item for item in alice.pending() if item.wire_seq]
    assert in_flight, "nothing was sent and left unanswered: the kill came too late to test a lost answer"
    assert len(alice.pending()) == 300
    alice.sync()
    everything = assert_converged(server, farm, alice, bob)
    assert set(everything) == {detail.id for detail in logged}
    assert sum(len(state["notes"]) for state in everything.values()) == 100
    assert {state["root_cause"] for state in everything.values()} == {_FINDINGS.root_cause}
    numbered_here = {d.id: d.number for d in logged if d.number is not None}  # from a leased block
    assert numbered_here
    assert {key: everything[key]["number"] for key in numbered_here} == numbered_here


INCIDENTS_TO_PULL = 150


def test_a_client_killed_mid_pull_resumes_and_converges(server, farm, clients) -> None:
    bob, alice = clients("bob", server), clients("alice", server)
    bob.sync()
    alice.sync()
    group = bob.group(FIELD_SERVICES)
    for n in range(INCIDENTS_TO_PULL):
        detail = bob.context.incidents.create(IncidentDraft(description=f"Outage report {n}", group_id=group)).value
        # Audit rows per field: many pages, few mutations (a push group's create and update share one
        # incident change row, so the count depends on how the server grouped them).
        bob.context.incidents.update(detail.id, _FINDINGS)
    bob.sync()
    alice.close()
    before = _local_cursor(alice.data_dir)
    assert server_cursor(server) - before >= 1000  # at least two pages (500 changes each) to pull

    # Killed once the first page is in: the next is being fetched or applied.
    _kill_9_when(_cli_sync(alice.data_dir), lambda: _local_cursor(alice.data_dir) > before)

    alice.reopen()
    partial = alice.context.incidents.count()
    assert 0 < partial < INCIDENTS_TO_PULL
    everything = assert_converged(server, farm, alice, bob)
    assert len(everything) == INCIDENTS_TO_PULL
    assert alice.context.incidents.count() == INCIDENTS_TO_PULL
