"""How long SLA clocks take for one queue page, and a background alert check, on a large database.

Usage: ``.venv/bin/python benchmarks/sla.py [--data-dir DIR] [--incidents N]``. Without
``--data-dir`` it seeds a throw-away data directory (``helpdesk-cli seed-demo``). With one, that
directory is changed (SLA tables, audit rows, alerts): give it a copy. Demo data has no audit
history, so each incident of the measured pages gets a history of holds and a re-prioritisation
first. Prints one JSON object: milliseconds, median of the runs.
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
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, inspect, select

from desktop_app.context import open_context
from desktop_app.db.engine import create_sqlite_engine, make_session_factory
from desktop_app.domain.ids import new_id
from desktop_app.models import AuditEvent, Base, Incident
from desktop_app.services.incident_service import OPEN_STATUSES, IncidentService
from desktop_app.services.sla_service import SlaService
from desktop_app.services.transaction import ServiceEnv

PAGE = 200
RUNS = 7
SLA_TABLES = ("sla_calendars", "sla_holidays", "sla_targets", "sla_settings", "sla_alerts")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sla-bench-") as work:
        data_dir = args.data_dir or Path(work) / "data"
        if args.data_dir is None:
            command = [sys.executable, "-m", "desktop_app.cli.main", "--data-dir", str(data_dir), "seed-demo"]
            subprocess.run([*command, "--incidents", str(args.incidents), "--quiet"], check=True)
        print(json.dumps(measure(data_dir / "helpdesk.sqlite3", Path(work)), indent=2))
    return 0


def measure(database: Path, work: Path) -> dict[str, object]:
    engine = create_sqlite_engine(database)
    ensure_sla_tables(engine, work)
    env = ServiceEnv(make_session_factory(engine))
    service = SlaService(env, IncidentService(env))
    with env.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Incident))
        newest = list(session.scalars(select(Incident.id).order_by(Incident.created_at.desc()).limit(PAGE)))
        open_page = list(
            session.scalars(
                select(Incident.id)
                .where(Incident.status.in_(OPEN_STATUSES))
                .order_by(Incident.created_at.desc())
                .limit(PAGE)
            )
        )
    add_history(env, newest + open_page)
    result: dict[str, object] = {"incidents": total, "page": PAGE, "audit_events_per_incident": 6}
    result["status_many_newest_page_ms"] = timed(lambda: service.status_many(newest))
    result["status_many_open_page_ms"] = timed(lambda: service.status_many(open_page))
    result["status_one_ms"] = timed(lambda: service.status(newest[0]))
    started = time.perf_counter()
    notices = service.check_alerts()
    result["check_alerts_first_ms"] = round((time.perf_counter() - started) * 1000, 1)
    result["check_alerts_first_notices"] = len(notices)
    result["check_alerts_again_ms"] = timed(service.check_alerts, runs=3)
    engine.dispose()
    return result


def timed(call, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def ensure_sla_tables(engine, work: Path) -> None:
    """A database seeded before the SLA tables existed gets them, with the migration's defaults."""
    if "sla_targets" in inspect(engine).get_table_names():
        return
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[name] for name in SLA_TABLES])
    fresh = open_context(work / "fresh")
    defaults = fresh.sla.config()
    fresh.close()
    env = ServiceEnv(make_session_factory(engine))
    SlaService(env, IncidentService(env)).save_config(defaults)


def add_history(env: ServiceEnv, ids: list) -> None:
    """Work, a hold and its release, a re-prioritisation: six audited changes per incident."""
    with env.sessions.begin() as session:
        for incident in session.scalars(select(Incident).where(Incident.id.in_(ids))):
            start = incident.reported_at
            steps = [
                ("status", "new", "in_progress", 10),
                ("status", "in_progress", "on_hold", 60),
                ("status", "on_hold", "in_progress", 240),
                ("priority", "P3", incident.priority, 300),
                ("status", "in_progress", "on_hold", 400),
                ("status", "on_hold", incident.status, 500),
            ]
            for field, old, new, minutes in steps:
                session.add(
                    AuditEvent(
                        id=new_id(),
                        incident_id=incident.id,
                        field=field,
                        old_value=old,
                        new_value=new,
                        device_time=start + timedelta(minutes=minutes),
                    )
                )


if __name__ == "__main__":
    sys.exit(main())
