"""Working an incident at scale: similar incidents, the new-incident form's hints, known errors, timeline.

Seeds ``--incidents`` demo incidents into a temporary data directory (``helpdesk-cli seed-demo``), keeps
``--known`` known errors, then times each lookup as the services run it (on the GUI's DB worker) and
prints one JSON object of milliseconds (median and max) and how many similar incidents were found.

    python benchmarks/similar_incidents.py --incidents 100000
"""

from __future__ import annotations

import os
import sys

# benchmarks/queue.py (the name its issue gives it) would shadow the standard library's queue module
# for every script here: this folder goes last on the path, after the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# This folder holds a queue.py benchmark: it must not shadow the standard library's queue module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "benchmarks"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from desktop_app.cli.main import main as cli
from desktop_app.context import open_context


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def summary(samples: list[tuple[float, Any]]) -> dict[str, float]:
    times = [t for t, _ in samples]
    return {"median": round(statistics.median(times), 2), "max": round(max(times), 2)}


def run(data_dir: Path, incidents: int, known: int, samples: int) -> dict[str, Any]:
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON result
        assert cli(["--data-dir", str(data_dir), "init"]) == 0
        seed = ["seed-demo", "--incidents", str(incidents), "--reporters", "2000"]
        assert cli(["--data-dir", str(data_dir), *seed]) == 0
    context = open_context(data_dir)
    try:
        work = context.workflow
        for n in range(known):
            work.knowledge.save(symptom=f"VPN drops after update {n}", workaround=f"Use the web portal ({n})")
        step = max(1, 400 // samples)
        ids = [s.id for s in context.incidents.list_recent(limit=400)][::step][:samples]
        similar = [timed(lambda i=i: work.similar.similar_to(i)) for i in ids]
        hints = [
            timed(lambda: work.similar.similar_text("VPN keeps dropping", "error 809 since the update", limit=3))
            for _ in range(samples)
        ]
        search = [timed(lambda: work.knowledge.search("vpn drops after the update")) for _ in range(samples)]
        timeline = [timed(lambda i=i: work.timeline.timeline(i)) for i in ids]
        return {
            "incidents": context.incidents.count(),
            "known_errors": known,
            "samples": len(ids),
            "similar_to_ms": summary(similar) | {"found_median": statistics.median(len(o) for _, o in similar)},
            "new_incident_hints_ms": summary(hints),
            "known_error_search_ms": summary(search),
            "timeline_ms": summary(timeline),
        }
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--known", type=int, default=200, help="known errors to save first")
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hd-similar-") as tmp:
        result = run(Path(tmp), args.incidents, args.known, args.samples)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
