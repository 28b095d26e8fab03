"""The SQLite writer lock excludes writers in other processes, not only other threads."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from central_server.db.writer_lock import SqliteWriterLock, writer_lock_for

HOLD_SECONDS = 0.8
HOLDER = """
import sys, time
from pathlib import Path
from central_server.db.writer_lock import SqliteWriterLock
with SqliteWriterLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_writer_in_another_process_waits_for_the_lock(tmp_path):
    lock_path = tmp_path / "db.sqlite3.writer-lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path), str(HOLD_SECONDS)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with SqliteWriterLock(lock_path):
            waited = time.monotonic() - started
    finally:
        holder.wait(timeout=10)
    assert waited >= HOLD_SECONDS / 2


def test_the_lock_is_reentrant_within_a_thread(tmp_path):
    lock = SqliteWriterLock(tmp_path / "x.writer-lock")
    with lock, lock:
        pass  # a nested write unit must not deadlock on its own flock
    with SqliteWriterLock(tmp_path / "x.writer-lock"):
        pass  # and the file lock is free again afterwards


def test_the_lock_file_sits_beside_the_database():
    assert writer_lock_for("sqlite:////srv/helpdesk/db.sqlite3")._path == Path("/srv/helpdesk/db.sqlite3.writer-lock")
    assert writer_lock_for("sqlite://")._path is None
    assert writer_lock_for("postgresql+psycopg://u@h/db")._path is None
