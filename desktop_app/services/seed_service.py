"""Demo data at scale: staff, reporters and up to millions of incidents spread over the last two years.

Speed matters (a million incidents in a few minutes), so this bypasses the ORM: rows are built as
tuples in the form SQLAlchemy stores them (see ``demo_encoding``) and inserted with executemany,
one transaction per chunk. Demo rows are local-only: no outbox entries (they never sync) and no
audit history. Each chunk first reserves its incident numbers from the ``incident_number`` counter,
so an interrupted run leaves a consistent database and later incidents continue the numbering.
"""

from __future__ import annotations

import random
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from desktop_app.db.engine import BEGIN_IMMEDIATE
from desktop_app.db.search_index import search_indexed_at_end
from desktop_app.db.sla_due_bulk import sla_deadlines_at_end
from desktop_app.domain.clock import Clock, utc_now
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.ids import new_id
from desktop_app.domain.priority import PriorityMatrix
from desktop_app.services.demo_encoding import MICROS_PER_DAY, MICROS_PER_SECOND, db_time, micros_of, uuid7_hex
from desktop_app.services.demo_incidents import IncidentRowBuilder, StaffDirectory
from desktop_app.services.demo_people import (
    DEMO_AGENTS,
    DEMO_GROUPS,
    DEPARTMENTS,
    FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    VIP_DEPARTMENTS,
)
from desktop_app.services.transaction import translate_db_errors

DEFAULT_CHUNK = 20_000
# A bigger page cache keeps the incidents' secondary indexes in memory while millions of rows go in.
SEED_CACHE_KIB = 256 * 1024
HISTORY_DAYS = 730
# Reporters joined the directory during the year before the incident history starts.
REPORTER_JOIN_DAYS = 365

REPORTER_INSERT = (
    "INSERT INTO reporters (id, name, name_key, email, phone, phone_digits, department, location, is_vip, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
RESERVE_NUMBERS = "UPDATE counters SET value = value + ? WHERE name = 'incident_number' RETURNING value"


@dataclass(frozen=True)
class SeedPlan:
    incidents: int
    reporters: int
    seed: int | None = None
    chunk_size: int = DEFAULT_CHUNK


@dataclass(frozen=True)
class SeedProgress:
    stage: str  # "reporters" or "incidents"
    done: int
    total: int
    elapsed_seconds: float


@dataclass(frozen=True)
class SeedReport:
    seed: int
    groups_added: int
    agents_added: int
    reporters_added: int
    incidents_added: int
    first_number: int | None
    last_number: int | None
    elapsed_seconds: float


ProgressCallback = Callable[[SeedProgress], None]
_Report = Callable[[str, int, int], None]


# Letters that Unicode does not decompose into an ASCII letter plus marks.
_TRANSLITERATION = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE", "æ": "ae"})


def email_part(text: str) -> str:
    """'Zoë' → 'zoe', "O'Brien" → 'obrien', 'Łukasz' → 'lukasz': plain ASCII for demo e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


class SeedService:
    """Writes demo data straight through the engine; see the module docstring for what it skips."""

    def __init__(self, engine: Engine, matrix: PriorityMatrix | None = None, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._matrix = matrix or PriorityMatrix()
        self._clock = clock

    def seed(self, plan: SeedPlan, progress: ProgressCallback | None = None) -> SeedReport:
        for label, value in (("incidents", plan.incidents), ("reporters", plan.reporters)):
            if value < 0:
                raise ValidationError(f"The number of {label} cannot be negative.", field=label)
        if plan.chunk_size < 1:
            raise ValidationError("The chunk size must be at least 1.", field="chunk_size")
        seed = plan.seed if plan.seed is not None else secrets.randbits(32)
        rng = random.Random(seed)
        # Keys take fresh random bits every run: a repeated seed reproduces the content, never the keys.
        key_rng = random.Random()
        now_us = micros_of(self._clock())
        started = time.perf_counter()

        def report(stage: str, done: int, total: int) -> None:
            if progress is not None:
                progress(SeedProgress(stage, done, total, time.perf_counter() - started))

        with translate_db_errors(), self._engine.connect() as conn:
            # Every transaction here is a write: take the write lock at BEGIN, like the services do.
            conn.execution_options(**{BEGIN_IMMEDIATE: True})
            previous_cache = int(_pragma(conn, "PRAGMA cache_size") or -2000)
            _pragma(conn, f"PRAGMA cache_size=-{SEED_CACHE_KIB}")
            try:
                groups_added, agents_added = _ensure_staff(conn, now_us)
                _insert_reporters(conn, rng, key_rng, plan, now_us, report)
                numbers = self._insert_incidents(conn, rng, key_rng, plan, now_us, report)
                # Fresh statistics (sampled: quick) so the planner picks the queue's partial indexes.
                _pragma(conn, "PRAGMA analysis_limit=1000")
                _pragma(conn, "ANALYZE")
                # Fold the write-ahead log back into the database file so its size is honest.
                _pragma(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                _pragma(conn, f"PRAGMA cache_size={previous_cache}")
        return SeedReport(
            seed=seed,
            groups_added=groups_added,
            agents_added=agents_added,
            reporters_added=plan.reporters,
            incidents_added=plan.incidents,
            first_number=numbers[0] if numbers else None,
            last_number=numbers[1] if numbers else None,
            elapsed_seconds=round(time.perf_counter() - started, 3),
        )

    def _insert_incidents(
        self,
        conn: Connection,
        rng: random.Random,
        key_rng: random.Random,
        plan: SeedPlan,
        now_us: int,
        report: _Report,
    ) -> tuple[int, int] | None:
        """Insert the incidents oldest first; returns the (first, last) numbers given."""
        if plan.incidents == 0:
            return None
        with conn.begin():
            builder = IncidentRowBuilder.load(conn, rng, key_rng, self._matrix, StaffDirectory.load(conn), now_us)
            conn.exec_driver_sql("INSERT OR IGNORE INTO counters (name, value) VALUES ('incident_number', 0)")
        # End a minute before now so that no demo incident looks as if it were logged in the future.
        span_start, span_end = now_us - HISTORY_DAYS * MICROS_PER_DAY, now_us - 60 * MICROS_PER_SECOND
        chunk_starts = range(0, plan.incidents, plan.chunk_size)
        first_number = last_number = 0
        for index, start in enumerate(chunk_starts):
            count = min(plan.chunk_size, plan.incidents - start)
            # Each chunk fills its own slice of the two years, so keys and numbers both follow time.
            slice_start = span_start + (span_end - span_start) * index // len(chunk_starts)
            slice_end = span_start + (span_end - span_start) * (index + 1) // len(chunk_starts)
            times = builder.working_hours_times(slice_start, slice_end, count)
            with conn.begin():
                # Numbers are reserved under the write lock (BEGIN IMMEDIATE): a GUI logging a call
                # meanwhile waits for this chunk, then continues after it; numbers never collide.
                last_number = int(conn.exec_driver_sql(RESERVE_NUMBERS, (count,)).scalar_one())
                first_in_chunk = last_number - count + 1
                first_number = first_number or first_in_chunk
                # One FTS insert for the chunk, not one trigger call per row (100,000 incidents:
                # 40 s with the trigger, 8 s this way).
                with search_indexed_at_end(conn), sla_deadlines_at_end(conn, inserts_only=True):
                    conn.exec_driver_sql(builder.insert_sql, builder.rows(times, first_in_chunk))
            report("incidents", start + count, plan.incidents)
        return first_number, last_number


def _pragma(conn: Connection, statement: str) -> object:
    """Run a connection-level PRAGMA on the driver connection, in autocommit.

    Going through SQLAlchemy would open a transaction first, and a WAL checkpoint cannot run inside one.
    """
    cursor = conn.connection.driver_connection.execute(statement)
    try:
        row = cursor.fetchone()
    finally:
        cursor.close()
    return row[0] if row else None


def _ensure_staff(conn: Connection, now_us: int) -> tuple[int, int]:
    """Add the demo groups and agents that are missing; returns (groups added, agents added)."""
    stamp = db_time(now_us)
    groups_added = agents_added = 0
    with conn.begin():
        groups = dict(conn.exec_driver_sql("SELECT name, id FROM groups").all())
        for name, description in DEMO_GROUPS.items():
            if name not in groups:
                groups[name] = new_id().hex
                conn.exec_driver_sql(
                    "INSERT INTO groups (id, name, description, created_at) VALUES (?, ?, ?, ?)",
                    (groups[name], name, description, stamp),
                )
                groups_added += 1
        agents = dict(conn.exec_driver_sql("SELECT username, id FROM agents").all())
        for name, username, group_names in DEMO_AGENTS:
            if username not in agents:
                agents[username] = new_id().hex
                conn.exec_driver_sql(
                    "INSERT INTO agents (id, name, username, email, is_active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
                    (agents[username], name, username, f"{username}@example.com", stamp),
                )
                agents_added += 1
            for group_name in group_names:
                if group_name in groups:
                    conn.exec_driver_sql(
                        "INSERT OR IGNORE INTO group_members (group_id, agent_id) VALUES (?, ?)",
                        (groups[group_name], agents[username]),
                    )
    return groups_added, agents_added


def _insert_reporters(
    conn: Connection, rng: random.Random, key_rng: random.Random, plan: SeedPlan, now_us: int, report: _Report
) -> None:
    """Reporters with unique first.last{n}@example.com addresses, inserted in key (= join time) order."""
    if plan.reporters == 0:
        return
    with conn.begin():
        taken = {row[0] for row in conn.exec_driver_sql("SELECT email FROM reporters WHERE email IS NOT NULL")}
        serial = int(conn.exec_driver_sql("SELECT count(*) FROM reporters").scalar() or 0)
    joined_from = now_us - (HISTORY_DAYS + REPORTER_JOIN_DAYS) * MICROS_PER_DAY
    join_times = sorted(
        rng.randrange(joined_from, joined_from + REPORTER_JOIN_DAYS * MICROS_PER_DAY) for _ in range(plan.reporters)
    )
    rows: list[tuple] = []
    for joined in join_times:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        local_part = f"{email_part(first)}.{email_part(last)}"
        serial += 1
        while f"{local_part}{serial}@example.com" in taken:
            serial += 1
        email = f"{local_part}{serial}@example.com"
        taken.add(email)
        exchange, line = rng.randrange(200, 1000), rng.randrange(1000, 10000)
        department = rng.choice(DEPARTMENTS)
        # About 2% VIPs overall, most of them in the executive office and legal.
        vip_odds = 0.09 if department in VIP_DEPARTMENTS else 0.008
        stamp = db_time(joined)
        rows.append(
            (
                uuid7_hex(joined, key_rng),
                name,
                name.casefold(),
                email,
                f"+1 555 {exchange} {line}",
                f"1555{exchange}{line}",
                department,
                rng.choice(LOCATIONS),
                int(rng.random() < vip_odds),
                stamp,
                stamp,
            )
        )
    for start in range(0, len(rows), plan.chunk_size):
        chunk = rows[start : start + plan.chunk_size]
        with conn.begin():
            conn.exec_driver_sql(REPORTER_INSERT, chunk)
        report("reporters", start + len(chunk), plan.reporters)
