"""The "Breaching soon" view by stored SLA deadlines on a large data dir.

Usage: ``.venv/bin/python benchmarks/sla_due.py --data-dir DIR [--runs 7]`` (a data dir seeded by
``benchmarks/queue.py`` or ``helpdesk-cli seed-demo``; it is migrated and its deadlines filled in).
Measures: filling every open incident's deadlines from scratch (what the background check does
after the upgrade), the view's first page and count through the queue service, the same page as
raw sqlite3 with the same plan (the floor), and one status change including the recompute its
commit does. Prints one JSON object (milliseconds, medians).
"""

from __future__ import annotations

import os
import sys

# benchmarks/queue.py would shadow the standard library's queue module: this folder goes last.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import argparse
import json
import sqlite3
import statistics
import time
from pathlib import Path

from sqlalchemy import text

from desktop_app.context import open_context
from desktop_app.db import queue_sql
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.queue_filter import builtin_view

ROWS = 40


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(measure(args.data_dir, args.runs), indent=2))
    return 0


def measure(data_dir: Path, runs: int) -> dict[str, object]:
    context = open_context(data_dir)
    query = builtin_view("breaching").query
    with context.engine.begin() as conn:
        conn.execute(text("UPDATE sla_deadlines SET stale = 1"))
        open_rows = conn.execute(text("SELECT count(*) FROM sla_deadlines")).scalar()
    started = time.perf_counter()
    context.sla.refresh_all_deadlines()
    fill_ms = (time.perf_counter() - started) * 1000

    def first_page() -> float:
        begun = time.perf_counter()
        context.queue.first_page(query, ROWS, with_total=False, exact=False)
        return (time.perf_counter() - begun) * 1000

    raw = sqlite3.connect(data_dir / "helpdesk.sqlite3")

    def floor() -> float:
        with context.queue._read() as session:
            plan = context.queue._plan(session, query)

        def execute(sql: str, params) -> list[tuple]:
            return raw.execute(sql, tuple(params)).fetchall()

        begun = time.perf_counter()
        queue_sql.count_matches(execute, plan, with_total=False, exact=False)
        queue_sql.read_page(execute, plan, ROWS, None, False)
        return (time.perf_counter() - begun) * 1000

    first_page()  # warm the page cache once, like the queue benchmark's first paint
    app_runs, floor_runs = [first_page() for _ in range(runs)], [floor() for _ in range(runs)]
    matches = context.queue.counts(query, with_total=False).matches
    [row] = context.queue.page(query, 1)
    edit_runs = []
    for n in range(runs):
        target = Status.ON_HOLD if n % 2 == 0 else Status.IN_PROGRESS
        begun = time.perf_counter()
        context.incidents.change_status(row.summary.id, target, hold_reason=HoldReason.AWAITING_CALLER)
        edit_runs.append((time.perf_counter() - begun) * 1000)
    plan = context.queue.explain(query)
    return {
        "open_incidents_with_deadlines": open_rows,
        "fill_all_ms": round(fill_ms, 1),
        "fill_per_incident_us": round(fill_ms * 1000 / max(open_rows, 1), 1),
        "breaching_matches": matches,
        "first_page_ms": round(statistics.median(app_runs), 2),
        "floor_ms": round(statistics.median(floor_runs), 2),
        "ratio": round(statistics.median(app_runs) / max(statistics.median(floor_runs), 1e-6), 1),
        "status_change_with_recompute_ms": round(statistics.median(edit_runs), 2),
        "plan": plan,
    }


if __name__ == "__main__":
    sys.exit(main())
