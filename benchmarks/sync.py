"""Sync server throughput and latency over HTTP, each beside a bare FastAPI app doing one database write.

Starts a real ``helpdesk-server serve`` process on SQLite in a temp data dir (``--postgres``: on a
throw-away PostgreSQL cluster started like ``tests/server/postgres.py`` does) and, on the same kind of
database, a tiny separate uvicorn app (this file with ``--serve-bare``): ``POST /write`` writes each
item it is given in its own transaction (one INSERT), ``GET /read`` pages rows after an id. Then, with
``requests``, measures the server and the bare app the same way in the same run:

(a) backlog: 10,000 mutations (create_incident, update_fields, add_note, in turn) pushed by one client
    in batches of 500 and acknowledged (every result ``applied``): total seconds (target <= 30);
(b) bootstrap: 100,000 incidents inserted into the server's tables with SQLAlchemy Core, then a full
    paged ``/sync/bootstrap`` download, 1,000 per page as the client asks (target <= 30 s), and the
    same bootstrap by a real client (its own data dir and sync engine): download and swap-in;
(c) a no-change sync round (push of 0 mutations + pull with nothing new): median ms of 50 (target <= 50);
(d) 50 concurrent clients (threads, each its own session and login) for ``--duration`` seconds, each
    round pushing 1 mutation and pulling to the head: errors (target 0) and p99 round ms (target <= 500),
    twice: paced, one round per client every ``--pace`` seconds (default 1, sixty times the app's own
    timer: the target is judged here), and back to back (a closed loop: the capacity, reported).

The server and the bare app run ``--workers`` processes each (default 2, one per core here).

Prints one JSON object on stdout (progress on stderr); not part of the test run.

    .venv/bin/python benchmarks/sync.py [--postgres] [--duration 60] [--clients 50]
"""

from __future__ import annotations

import os
import sys

# benchmarks/queue.py (the name its issue gives it) would shadow the standard library's queue module
# for every script here: this folder goes last on the path, after the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from sync_client import measure_client_bootstrap
from sync_measure import (
    measure_backlog,
    measure_bare_bootstrap,
    measure_bootstrap,
    measure_concurrent,
    measure_idle_rounds,
    seed_bare,
    seed_incidents,
)
from sync_parts import (
    BOOTSTRAP_PAGE,
    REPO,
    SERVER_SCRIPT,
    TARGETS,
    BareClient,
    Client,
    Served,
    cpu_used,
    databases,
    log,
    parse_args,
    prepare_server,
    process,
    serve_bare,
)


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
        bare_argv += ["--workers", str(args.workers)]
        with (
            process(
                [*server_argv, "serve", "--log-level", "warning", "--workers", str(args.workers)],
                root / "server.log",
                env,
            ) as server,
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

            for key, pace in (("concurrent_paced", args.pace), ("concurrent_closed_loop", None)):
                how = f"one round every {pace} s each" if pace else "back to back"
                log(f"(d) {args.clients} concurrent clients for {args.duration} s each side, {how}")
                result[key] = measure_clients(server, bare, me, args, pace)
                log(f"    p99 {result[key]['p99_ms']} ms, {result[key]['errors']} errors")

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

            log("(b') the same bootstrap into a real client: download and swap into its SQLite file")
            cpu = {}
            with cpu_used(cpu, ("server", server.pid), me):
                client_booted = measure_client_bootstrap(server.base, "bench-admin")
            result["client_bootstrap"] = (
                client_booted
                | {
                    "target_s": TARGETS["bootstrap_s"],
                    "ok": client_booted["seconds"] <= TARGETS["bootstrap_s"],
                    "ratio_to_download": ratio(client_booted["seconds"], booted["seconds"]),
                }
                | cpu
            )
            log(f"    {client_booted['seconds']} s for {client_booted['local_incidents']} local incidents")
    # The p99 target is judged on the paced phase: 50 clients each syncing every second is 60 times what
    # the app does (a 60 s timer plus a round after local edits); back to back they measure capacity.
    judged = ("backlog", "bootstrap", "client_bootstrap", "idle_round", "concurrent_paced")
    result["all_ok"] = all(result[k]["ok"] for k in judged)
    result["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        # Other work on the machine skews every number: the 1-minute load before and after the run.
        "load_before": round(load_before[0], 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    return result


def measure_clients(
    server: Served, bare: Served, me: tuple[str, int], args: argparse.Namespace, pace: float | None
) -> dict[str, Any]:
    cpu: dict[str, Any] = {}
    bare_cpu: dict[str, Any] = {}
    with cpu_used(cpu, ("server", server.pid), me):
        busy = measure_concurrent(lambda n: Client(server.base, f"agent{n:03d}"), args.clients, args.duration, pace)
    with cpu_used(bare_cpu, ("bare", bare.pid), me):
        bare_busy = measure_concurrent(lambda _n: BareClient(bare.base), args.clients, args.duration, pace)
    kept = ("rounds", "rounds_per_s", "errors", "p50_ms", "p99_ms")
    return (
        busy
        | {
            "workers": args.workers,
            "target_errors": TARGETS["errors"],
            "target_p99_ms": TARGETS["p99_ms"],
            "ok": busy["errors"] == 0 and busy["p99_ms"] <= TARGETS["p99_ms"],
            "ratio_p99": ratio(busy["p99_ms"], bare_busy["p99_ms"]),
            "ratio_throughput": ratio(bare_busy["rounds_per_s"], busy["rounds_per_s"]),
        }
        | cpu
        | {"bare": {k: bare_busy[k] for k in kept} | bare_cpu}
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port, args.workers)
        return 0
    if not SERVER_SCRIPT.exists():
        raise SystemExit(f"{SERVER_SCRIPT} missing: pip install -e '.[dev,server]'")
    result = run(args)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
