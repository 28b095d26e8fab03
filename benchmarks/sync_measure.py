"""Pieces of benchmarks/sync.py: seeding and the measurements."""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sync_parts import (
    BOOTSTRAP_PAGE,
    CREATE_STAMPED,
    AnyClient,
    BareClient,
    Client,
)


def measure_backlog(client: AnyClient, total: int, batch: int) -> dict[str, Any]:
    mutations = [client.next_mutation(index) for index in range(total)]
    started = time.perf_counter()
    for start in range(0, total, batch):
        client.push(mutations[start : start + batch])
    return {"mutations": total, "batch": batch, "seconds": round(time.perf_counter() - started, 3)}


def measure_idle_rounds(client: AnyClient, rounds: int) -> dict[str, Any]:
    client.pull()  # to the head, untimed
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.push([])
        changes = client.pull()
        times.append((time.perf_counter() - started) * 1000)
        if changes:
            raise RuntimeError(f"a no-change round pulled {changes} changes")
    return {"rounds": rounds, "median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def measure_concurrent(
    make: Callable[[int], AnyClient], clients: int, duration: float, pace: float | None = None
) -> dict[str, Any]:
    """Each client pushes one mutation and pulls, again and again: back to back (``pace`` None, a closed
    loop that measures capacity) or one round every ``pace`` seconds, the clients spread over the period."""
    ready = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker(n: int) -> None:
        try:
            client = make(n)
            client.skip_to_head()  # a client in sync, as after its bootstrap
            client.pull()
        except Exception as exc:  # a failed login counts as an error, and the worker still meets the others
            with lock:
                errors.append(f"setup: {type(exc).__name__}: {exc}")
            ready.wait()
            return
        ready.wait()
        begin = time.monotonic()
        deadline = begin + duration
        index = 0
        while time.monotonic() < deadline:
            if pace:
                time.sleep(max(0.0, begin + pace * (index + n / clients) - time.monotonic()))
            started = time.perf_counter()
            try:
                client.push([client.next_mutation(index)])
                client.pull()
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                # A failed push leaves this client's seq ahead of the server: stop rather than count gaps.
                return
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
            index += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(duration + 300)
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "duration_s": duration,
        "pace_s": pace,
        "rounds": len(latencies),
        "rounds_per_s": round(len(latencies) / elapsed, 1),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
    }


def seed_incidents(database_url: str, count: int) -> list[dict[str, Any]]:
    """Insert ``count`` incidents straight into the server's table (Core, executemany); returns a sample's data.

    Bootstrap reads the tables and takes its cursor from the change counter: no change rows are needed.
    """
    from sqlalchemy import func, insert, select, update

    from central_server.db.engine import create_server_engine
    from central_server.domain.ids import new_id
    from central_server.models import NUMBERS_COUNTER, Counter, Incident
    from central_server.services.serialize import incident_data

    engine = create_server_engine(database_url)
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            first = int(connection.scalar(select(func.max(Incident.number))) or 0) + 1_000_000
            connection.execute(
                update(Counter).where(Counter.name == NUMBERS_COUNTER).values(value=first + count)
            )  # numbers handed out later stay clear of the seeded ones
        # What create_incident leaves: every field it set stamped with the creating mutation.
        stamp = {"hlc": "001772442000000-000000", "client": str(uuid.uuid4()), "user": None, "mutation": None}
        stamps = dict.fromkeys(CREATE_STAMPED, stamp)
        sample: list[dict[str, Any]] = []
        chunk = 5_000
        for start in range(0, count, chunk):
            rows = []
            for n in range(start, min(count, start + chunk)):
                impact, urgency = n % 3 + 1, (n // 3) % 3 + 1
                rows.append(
                    {
                        "id": new_id(),
                        "number": first + n,
                        "title": f"Seeded incident {n}: printer jams on floor {n % 12}",
                        "description": "Seeded for the bootstrap benchmark; the printer jams on every page.",
                        "channel": "phone",
                        "reporter_id": None,
                        "reporter_name": f"Reporter {n % 5000}",
                        "reporter_email": f"reporter{n % 5000}@example.com",
                        "reporter_phone": None,
                        "occurred_at": now - timedelta(minutes=n),
                        "reported_at": now - timedelta(minutes=n),
                        "category_id": None,
                        "impact": impact,
                        "urgency": urgency,
                        "priority": f"P{impact + urgency - 1}",
                        "priority_override_reason": None,
                        "status": "new",
                        "hold_reason": None,
                        "group_id": None,
                        "assignee_id": None,
                        "parent_id": None,
                        "workaround": None,
                        "resolution_code": None,
                        "root_cause": None,
                        "resolution_steps": None,
                        "resolved_at": None,
                        "closed_at": None,
                        "is_drill": False,
                        "created_by_id": None,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                        "field_stamps": stamps,
                    }
                )
            with engine.begin() as connection:
                connection.execute(insert(Incident), rows)
            if not sample:
                sample = [incident_data(Incident(**row)) for row in rows[:100]]
        return sample
    finally:
        engine.dispose()


def seed_bare(database_url: str, count: int, sample: list[dict[str, Any]]) -> None:
    """The same number of rows, each holding an incident's JSON, in the bare app's table."""
    from sqlalchemy import MetaData, Table, insert

    from central_server.db.engine import create_server_engine

    engine = create_server_engine(database_url)
    try:
        table = Table("bench_writes", MetaData(), autoload_with=engine)
        for start in range(0, count, 5_000):
            rows = [
                {"client": "seed", "payload": json.dumps(sample[n % len(sample)] | {"number": n})}
                for n in range(start, min(count, start + 5_000))
            ]
            with engine.begin() as connection:
                connection.execute(insert(table), rows)
    finally:
        engine.dispose()


def measure_bootstrap(client: Client) -> dict[str, Any]:
    started = time.perf_counter()
    pages = entities = incidents = 0
    token: str | None = None
    while True:
        params: dict[str, Any] = {"limit": BOOTSTRAP_PAGE} | ({"page": token} if token else {})
        response = client.http.get(f"{client.base}/sync/bootstrap", params=params, timeout=300)
        response.raise_for_status()
        body = response.json()
        pages += 1
        entities += len(body["entities"])
        incidents += sum(1 for e in body["entities"] if e["entity"] == "incident")
        token = body["next_page"]
        if token is None:
            break
    seconds = time.perf_counter() - started
    return {"pages": pages, "entities": entities, "incidents": incidents, "seconds": round(seconds, 3)}


def measure_bare_bootstrap(client: BareClient) -> dict[str, Any]:
    started = time.perf_counter()
    pages = rows = 0
    client.cursor = 0
    while True:
        response = client.http.get(
            f"{client.base}/read", params={"after": client.cursor, "limit": BOOTSTRAP_PAGE}, timeout=300
        )
        response.raise_for_status()
        body = response.json()
        pages += 1
        rows += len(body["rows"])
        client.cursor = body["cursor"]
        if not body["has_more"]:
            break
    return {"pages": pages, "entities": rows, "seconds": round(time.perf_counter() - started, 3)}
