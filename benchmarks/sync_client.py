"""The client's half of benchmarks/sync.py: a real data dir and sync engine bootstrapping from the server."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import keyring
from sync_parts import PASSWORD

from tests.support.fakes import MemoryKeyring


def measure_client_bootstrap(base: str, username: str) -> dict[str, Any]:
    """Login, then the first sync: every page downloaded and swapped into the local SQLite file."""
    from desktop_app.context import open_context

    keyring.set_keyring(MemoryKeyring())  # the refresh token goes to the OS keyring; none here
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-client-") as data_dir:
        context = open_context(Path(data_dir))
        try:
            context.sync.login(base, username, PASSWORD)
            started = time.perf_counter()
            report = context.sync.sync_once()
            seconds = time.perf_counter() - started
            local = context.incidents.count()
        finally:
            context.close()
    return {"seconds": round(seconds, 3), "bootstrapped": report.bootstrapped, "local_incidents": local}
