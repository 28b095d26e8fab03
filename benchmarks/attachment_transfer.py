"""Attachment bytes through a real server process: upload (sync with one new attachment) and download.

A real ``helpdesk-server`` (SQLite, its own temporary data dir), two real clients in temporary data dirs:
alice attaches a PNG of camera noise (about ``--megabytes`` MB, incompressible) and syncs; bob syncs and
downloads it on demand. Repeated ``--runs`` times with different pictures; prints JSON with the median
seconds and MB/s of each direction and the chunk size used.

    python benchmarks/attachment_transfer.py --megabytes 20 --runs 3
"""

from __future__ import annotations

import os
import sys

# benchmarks/queue.py (the name its issue gives it) would shadow the standard library's queue module
# for every script here: this folder goes last on the path, after the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from desktop_app.context import open_context
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.sync.blobs import chunk_bytes_from_environment
from tests.sync.e2e_support import PASSWORD, RunningServer, free_port, process_env


def noise_png(megabytes: float, seed: int) -> bytes:
    side = int((megabytes * 1_000_000 / 3) ** 0.5)
    rnd = random.Random(seed)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), rnd.randbytes(side * side * 3)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "server").mkdir()
        server = RunningServer(root / "server", free_port(), process_env())
        server.add_user("alice", "technician")
        server.add_user("bob", "supervisor")
        server.start()
        try:
            alice, bob = open_context(root / "alice"), open_context(root / "bob")
            alice.sync.login(server.url, "alice", PASSWORD)
            bob.sync.login(server.url, "bob", PASSWORD)
            alice.sync.sync_once()
            bob.sync.sync_once()
            uploads, downloads, sizes = [], [], []
            for run in range(args.runs):
                data = noise_png(args.megabytes, seed=run)
                incident = alice.incidents.create(IncidentDraft(description=f"Transfer run {run}")).value
                info = alice.attachments.add(incident.id, data, f"noise-{run}.png")
                started = time.perf_counter()
                alice.sync.sync_once()
                uploads.append(time.perf_counter() - started)
                bob.sync.sync_once()
                started = time.perf_counter()
                path = bob.sync.download_blob(info.sha256)
                downloads.append(time.perf_counter() - started)
                assert path.read_bytes() == data
                sizes.append(len(data))
            alice.close()
            bob.close()
        finally:
            server.stop()
    megabytes = statistics.median(sizes) / 1_000_000
    result = {
        "file_bytes_median": int(statistics.median(sizes)),
        "chunk_bytes": chunk_bytes_from_environment(),
        "runs": args.runs,
        "upload_sync_s_median": round(statistics.median(uploads), 3),
        "upload_mb_per_s": round(megabytes / statistics.median(uploads), 1),
        "download_s_median": round(statistics.median(downloads), 3),
        "download_mb_per_s": round(megabytes / statistics.median(downloads), 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
