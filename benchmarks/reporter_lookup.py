"""Reporter type-ahead at directory scale: ReporterService.search against a naive LIKE scan.

Seeds 100,000 reporters into a throw-away data directory (bulk insert through SQLAlchemy Core; the
FTS5 index is filled by the table's triggers), then times ~50 realistic queries of 1..8 characters:
surname prefixes, parts of e-mail addresses and four phone digits. Prints one JSON object.

    .venv/bin/python benchmarks/reporter_lookup.py [--reporters 100000] [--rounds 3]
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
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text

from desktop_app.context import AppContext, open_context
from desktop_app.domain.ids import new_id
from desktop_app.models import Reporter

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Aisha",
    "Wei",
    "Priya",
    "Mohammed",
    "Sofia",
    "Lukas",
    "Amara",
    "Kenji",
    "Ingrid",
    "Mateo",
    "Fatima",
    "Oluwaseun",
    "Chloe",
    "Arjun",
    "Yuki",
    "Nadia",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Kowalski",
    "Novak",
    "Haddad",
    "Tanaka",
    "Lindqvist",
    "Moreau",
    "Rossi",
]
DOMAINS = ("acme.example", "globex.example", "initech.example", "umbrella.example", "stark.example")
DEPARTMENTS = ("Finance", "Sales", "HR", "Legal", "Operations", "Marketing", "Facilities", "IT")


def seed(context: AppContext, n: int, rng: random.Random) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    people: list[dict[str, object]] = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        phone = f"+44 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
        people.append(
            {
                "id": new_id(),
                "name": name,
                "name_key": name.casefold(),
                "email": f"{first}.{last}{i}@{rng.choice(DOMAINS)}".casefold(),
                "phone": phone,
                "phone_digits": "".join(ch for ch in phone if ch.isdigit()),
                "department": rng.choice(DEPARTMENTS),
                "location": None,
                "is_vip": rng.random() < 0.02,
                "created_at": now,
                "updated_at": now,
            }
        )
    with context.engine.begin() as conn:
        for start in range(0, n, 10_000):
            conn.execute(insert(Reporter), people[start : start + 10_000])
    return people


def queries(people: list[dict[str, object]], rng: random.Random, count: int = 50) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < count:
        person = rng.choice(people)
        kind = len(chosen) % 3
        if kind == 0:  # the start of a surname, as the caller spells it
            surname = str(person["name"]).split()[-1]
            chosen.append(surname[: rng.randint(1, min(8, len(surname)))].lower())
        elif kind == 1:  # a piece of an e-mail address
            email = str(person["email"])
            length = rng.randint(3, 8)
            start = rng.randrange(0, max(1, len(email) - length))
            chosen.append(email[start : start + length])
        else:  # four digits of a phone number read off a caller display
            digits = str(person["phone_digits"])
            start = rng.randrange(0, len(digits) - 4)
            chosen.append(digits[start : start + 4])
    return chosen


def timed(run: Callable[[str], int], qs: list[str], rounds: int) -> tuple[list[float], list[int]]:
    for q in qs:  # warm the page cache and the statement cache
        run(q)
    samples, hits = [], []
    for _ in range(rounds):
        for q in qs:
            started = time.perf_counter()
            hits.append(run(q))
            samples.append((time.perf_counter() - started) * 1000)
    return samples, hits


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(statistics.quantiles(samples, n=20)[-1], 3),
        "max_ms": round(max(samples), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reporters", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260302)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp:
        context = open_context(Path(tmp))
        try:
            started = time.perf_counter()
            people = seed(context, args.reporters, rng)
            seed_seconds = time.perf_counter() - started
            with context.engine.connect() as conn:
                indexed = conn.execute(text("SELECT count(*) FROM reporter_search_docsize")).scalar_one()
                # FTS5 raises if the trigger-filled index disagrees with the reporters table.
                conn.execute(text("INSERT INTO reporter_search(reporter_search) VALUES ('integrity-check')"))
            if indexed != args.reporters:
                raise SystemExit(f"the FTS index holds {indexed} rows, not {args.reporters}")

            qs = queries(people, rng)
            search_samples, search_hits = timed(lambda q: len(context.reporters.search(q)), qs, args.rounds)

            naive_sql = text("SELECT id, name, email, is_vip FROM reporters WHERE name LIKE :p OR email LIKE :p")
            with context.engine.connect() as conn:

                def naive(q: str) -> int:
                    return len(conn.execute(naive_sql, {"p": f"%{q}%"}).all())

                naive_samples, naive_hits = timed(naive, qs, args.rounds)
        finally:
            context.close()

    search, naive_stats = summary(search_samples), summary(naive_samples)
    result = {
        "benchmark": "reporter_lookup",
        "n_reporters": args.reporters,
        "fts_rows": indexed,
        "seed_seconds": round(seed_seconds, 2),
        "queries": len(qs),
        "rounds": args.rounds,
        "query_lengths": sorted({len(q) for q in qs}),
        **search,
        "mean_results": round(statistics.mean(search_hits), 2),
        "naive_like": {**naive_stats, "mean_matches": round(statistics.mean(naive_hits), 1)},
        "naive_over_search_median": round(naive_stats["median_ms"] / search["median_ms"], 1),
        "naive_over_search_p95": round(naive_stats["p95_ms"] / search["p95_ms"], 1),
        "sqlite": sys.modules["sqlite3"].sqlite_version,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
