"""The queue's SQL readers, on any DB-API connection (stdlib sqlite3 or SQLAlchemy's driver one).

Kept free of SQLAlchemy so that start-up can page the default queue with sqlite3 before the
services load (``QuickQueuePager``); ``services/queue_query`` compiles every other query into a
``Plan`` and reads it with the same functions. See that module for the segment scheme.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.db.quick_read import _row_to_summary
from desktop_app.domain.queue_filter import OPEN_STATUSES, QueueCounts, QueueQuery, QueueRow

OPEN_SQL = "i.status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))
SUMMARY_COLUMNS = (
    "i.id, i.number, i.title, i.status, i.priority, c.path, i.reporter_name, g.name, a.name, "
    "i.channel, i.created_at, i.updated_at, i.is_drill"
)
JOINS = (
    "LEFT JOIN categories AS c ON c.id = i.category_id LEFT JOIN groups AS g ON g.id = i.group_id "
    "LEFT JOIN agents AS a ON a.id = i.assignee_id"
)
SUMMARY_WIDTH = 13
# The ranked search mode orders at most this many hits by bm25 (see services/queue_query).
RANK_BOUND = 1000
# A column-sorted search reads its hits (rowids) first when there are at most this many; with
# more it walks the sort column's index and tests each row against the hits (see read_segment).
SPARSE_BOUND = 1000
# A walk first reads this many index rows per wanted row and only the hits between their lowest
# and highest rowid: enough for a word in an eighth of the incidents or more; otherwise (or when
# the window holds too few hits) every hit is gathered into a set instead. (A second, wider window
# for segments with few hits cost more than it saved: 145 -> 190 ms for a category sort at 1M.)
WALK_WINDOW_FACTOR = 8
HITS_SQL = "SELECT rowid FROM incident_search WHERE incident_search MATCH ?"
# The hits first, then each incident by rowid (CROSS JOIN: SQLite keeps that order whatever the
# statistics say about a column's index).
FROM_HITS = "incident_search AS s CROSS JOIN incidents AS i ON i.rowid = s.rowid"
# When a window of a title or reporter sort holds too few hits, a word with at most this many is
# read from its hits and sorted (~1.3 µs a hit): such words cluster in a few titles, possibly far
# down the index (a topical word by title walked most of a million rows, 109 ms; its 21,000 hits
# sorted took 30 ms). Columns with many segments (category…) would read the hits once per segment.
DRIVE_BOUND = 25_000
# Put before a filtered column; becomes "+" (no index) when the plan is dense.
FILTER_MARK = "{+}"

Execute = Callable[[str, Sequence[Any]], list[tuple]]


@dataclass(frozen=True)
class Segment:
    where: str  # "" for none
    params: tuple[Any, ...]
    keys: tuple[str, ...]  # SQL expressions, the last one unique (id or rowid)
    descending: bool
    source: str = ""  # FROM for this segment alone (the SLA order reads the deadlines table first)


NEWEST_FIRST = Segment("", (), ("i.created_at", "i.id"), True)


@dataclass
class Plan:
    """A query compiled to SQL: FROM, WHERE, and the ordered segments."""

    source: str = "incidents AS i"
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=lambda: [NEWEST_FIRST])
    search_mode: str = ""
    ranked: bool = False  # ordered by bm25 in Python (a bounded set)
    empty: bool = False  # a filter that matches nothing (an unknown name)
    # Most rows match: read the order's index and test the filters row by row ("+col" keeps
    # SQLite off the filter's index, which would mean sorting most of the table for one page).
    dense: bool = False
    # Counting needs no join when the search is the only condition (FTS5 counts its own hits).
    count_source: str = ""
    # Said after the order's note (why a chosen order does not apply).
    note: str = ""
    # A search sorted by a column: the FTS5 MATCH text (counted on its own), and whether pages
    # walk the column's index (many hits) rather than read the hits first.
    fts_match: str = ""
    walks_index: bool = False

    def where_sql(self, extra: Sequence[str] = (), *, for_count: bool = False) -> str:
        parts = [*self.where, *(part for part in extra if part)]
        text = " WHERE " + " AND ".join(parts) if parts else ""
        return text.replace(FILTER_MARK, "+" if self.dense and not for_count else "")


def order_sql(keys: Sequence[str], descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{key} {direction}" for key in keys)


def _to_row(raw: Sequence[Any], index: int, segment: Segment) -> QueueRow:
    return QueueRow(_row_to_summary(raw[:SUMMARY_WIDTH]), (index, *raw[SUMMARY_WIDTH:]), segment.descending)


def read_segment(
    execute: Execute, plan: Plan, index: int, after: tuple | None, backward: bool, limit: int
) -> list[QueueRow]:
    segment = plan.segments[index]
    descending = segment.descending != backward
    extra = [segment.where]
    params = [*plan.params, *segment.params]
    if after is not None:
        marks = ", ".join("?" for _ in segment.keys)
        extra.append(f"({', '.join(segment.keys)}) {'<' if descending else '>'} ({marks})")
        params.extend(after)
    if plan.walks_index:
        rows = _window_walk(execute, plan, index, extra, [*segment.params, *(after or ())], descending, limit)
        if rows is not None:
            return rows
        bounded = f"SELECT count(*) FROM ({HITS_SQL} LIMIT {DRIVE_BOUND + 1})"
        if len(plan.segments) <= 2 and execute(bounded, [plan.fts_match])[0][0] <= DRIVE_BOUND:
            hits_first = Plan(FROM_HITS, ["incident_search MATCH ?"], [plan.fts_match], plan.segments, plan.search_mode)
            return read_segment(execute, hits_first, index, after, backward, limit)
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, {', '.join(segment.keys)} FROM {segment.source or plan.source} {JOINS}"
        f"{plan.where_sql(extra)} ORDER BY {order_sql(segment.keys, descending)} LIMIT ?"
    )
    return [_to_row(raw, index, segment) for raw in execute(sql, [*params, limit])]


def _window_walk(
    execute: Execute, plan: Plan, index: int, extra: list[str], params: list[Any], descending: bool, limit: int
) -> list[QueueRow] | None:
    """A common word's page from a window of the segment's next index rows, tested against only
    the hits whose rowid lies within the window's span. New incidents get higher rowids, so for
    the newest-first orders (every segment of priority, status, category, assignee; Age, Updated,
    Number) the span is narrow and so is that read: 1.6 ms where gathering all 250,000 hits of a
    word took 23 ms here, and an FTS5 probe per row 20 µs to 80 µs. None when the window holds
    fewer matches than asked for and more of the segment follows (the caller gathers every hit)."""
    segment = plan.segments[index]
    order = order_sql(segment.keys, descending)
    inner = " WHERE " + " AND ".join(part for part in extra if part) if any(extra) else ""
    window = limit * WALK_WINDOW_FACTOR
    walk = f"SELECT i.rowid AS walked FROM incidents AS i{inner} ORDER BY {order} LIMIT {window}"
    walked, low, high = execute(f"SELECT count(*), min(walked), max(walked) FROM ({walk})", params)[0]
    if not walked:
        return []
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, {', '.join(segment.keys)} FROM ({walk}) AS w "
        f"CROSS JOIN incidents AS i ON i.rowid = w.walked {JOINS} "
        f"WHERE w.walked IN ({HITS_SQL} AND rowid BETWEEN ? AND ?) ORDER BY {order} LIMIT ?"
    )
    raw = execute(sql, [*params, plan.fts_match, low, high, limit])
    if len(raw) < limit and walked == window:
        return None
    return [_to_row(row, index, segment) for row in raw]


def read_page(execute: Execute, plan: Plan, limit: int, after: tuple | None, backward: bool) -> list[QueueRow]:
    """Rows after ``after`` in display order (from the top when None); with ``backward``,
    the rows before it (from the bottom when None), still returned in display order."""
    if plan.empty:
        return []
    if plan.ranked:
        return _ranked_page(execute, plan, limit, after, backward)
    segments = plan.segments
    if backward:
        start = after[0] if after is not None else len(segments) - 1
        indexes: range = range(start, -1, -1)
    else:
        start = after[0] if after is not None else 0
        indexes = range(start, len(segments))
    rows: list[QueueRow] = []
    for index in indexes:
        cursor = tuple(after[1:]) if after is not None and index == after[0] else None
        rows += read_segment(execute, plan, index, cursor, backward, limit - len(rows))
        if len(rows) >= limit:
            break
    return list(reversed(rows)) if backward else rows


def _ranked_page(execute: Execute, plan: Plan, limit: int, after: tuple | None, backward: bool) -> list[QueueRow]:
    """A bounded hit set ordered by bm25 (FTS5 ``rank``), cut at the cursor in Python."""
    segment = plan.segments[0]
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, s.rank, i.rowid FROM {plan.source} {JOINS}{plan.where_sql()} "
        f"ORDER BY s.rank, i.rowid LIMIT {RANK_BOUND + 1}"
    )
    rows = [_to_row(raw, 0, segment) for raw in execute(sql, plan.params)]
    if after is not None:
        rows = [row for row in rows if (row.key < after if backward else row.key > after)]
    return rows[-limit:] if backward else rows[:limit]


def key_at(execute: Execute, plan: Plan, position: int) -> tuple | None:
    """The cursor of the row at ``position``, for a jump into the middle: counts whole segments
    and reads keys only (a covering index) inside the one that holds it."""
    if plan.empty or position < 0:
        return None
    if plan.ranked:
        rows = _ranked_page(execute, plan, position + 1, None, False)
        return rows[position].key if position < len(rows) else None
    remaining = position
    for index, segment in enumerate(plan.segments):
        # A search with no filters counts and reads its keys (rowids) from the FTS table alone.
        source = segment.source or plan.count_source or plan.source
        where = plan.where_sql([segment.where])
        params = [*plan.params, *segment.params]
        counted = plan.where_sql([segment.where], for_count=True)
        size = int(execute(f"SELECT count(*) FROM {source}{counted}", params)[0][0])
        if remaining < size:
            # Skip from whichever end is nearer: the OFFSET walks at most half the segment's keys.
            from_end = remaining > size // 2
            keys = ", ".join(segment.keys)
            order = order_sql(segment.keys, segment.descending != from_end)
            skip = size - 1 - remaining if from_end else remaining
            found = execute(f"SELECT {keys} FROM {source}{where} ORDER BY {order} LIMIT 1 OFFSET ?", [*params, skip])
            return (index, *found[0]) if found else None
        remaining -= size
    return None


def count_matches(execute: Execute, plan: Plan, *, with_total: bool = True, exact: bool = True) -> QueueCounts:
    """``total`` is -1 without ``with_total``; ``matches`` is -1 when not ``exact`` and the search
    has too many hits to rank (the caller counts them afterwards, off the first paint)."""
    total = int(execute("SELECT count(*) FROM incidents", [])[0][0]) if with_total else -1
    if plan.empty:
        matches = 0
    elif not plan.where and plan.source == "incidents AS i":
        matches = total if with_total else int(execute("SELECT count(*) FROM incidents", [])[0][0])
    elif not exact and (plan.search_mode == "recent" or plan.walks_index):
        matches = -1
    elif plan.fts_match:
        matches = int(execute(f"SELECT count(*) FROM ({HITS_SQL})", [plan.fts_match])[0][0])
    else:
        source = plan.count_source or plan.source
        matches = int(execute(f"SELECT count(*) FROM {source}{plan.where_sql(for_count=True)}", plan.params)[0][0])
    note = ""
    if plan.search_mode == "ranked":
        note = "ranked by relevance (click a column header to sort by it)"
    elif plan.search_mode == "recent":
        note = f"too many matches to rank (over {RANK_BOUND:,}): most recent first (click a column header to sort)"
    elif plan.search_mode == "sorted":
        note = "sorted by the column, not ranked"
    elif plan.search_mode == "filtered":
        note = "search with filters: in the column's order, not ranked"
    note = "; ".join(part for part in (note, plan.note) if part)
    return QueueCounts(total, matches, plan.search_mode, note)


def rows_matching(
    execute: Execute, plan: Plan, ids: Sequence[uuid.UUID]
) -> tuple[list[QueueRow], frozenset[uuid.UUID]]:
    """These incidents as rows if the plan matches them; and the ids it does not match."""
    wanted = [i.hex for i in ids]
    found: list[QueueRow] = []
    if wanted and not plan.empty:
        by_id = f"i.id IN ({','.join('?' for _ in wanted)})"
        where, params = [*plan.where, by_id], [*plan.params, *wanted]
        scoped = Plan(plan.source, where, params, plan.segments, plan.search_mode, plan.ranked)
        if plan.walks_index:
            # A handful of incidents, each probed in the full-text index: gathering a common word's
            # every hit for each segment took 116 ms at a million incidents, this under 1 ms.
            probe = "EXISTS (SELECT 1 FROM incident_search AS s WHERE incident_search MATCH ? AND s.rowid = i.rowid)"
            scoped = Plan("incidents AS i", [by_id, probe], [*wanted, plan.fts_match], plan.segments, plan.search_mode)
        if plan.ranked:
            found = _ranked_page(execute, scoped, len(wanted), None, False)
        else:
            for index in range(len(plan.segments)):
                found += read_segment(execute, scoped, index, None, False, len(wanted))
    matched = {row.summary.id for row in found}
    return found, frozenset(i for i in ids if i not in matched)


class QuickQueuePager:
    """The default queue (every incident, newest first) over sqlite3, for the first paint at
    start-up; the window swaps in ``QueueService`` once the services have loaded."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        connection = sqlite3.connect(f"file:{self._db_path}?mode=ro", uri=True, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=5000")
            return connection.execute(sql, tuple(params)).fetchall()
        finally:
            connection.close()

    @staticmethod
    def _plan(query: QueueQuery) -> Plan:
        if query != QueueQuery():
            raise ValueError("the start-up reader only shows the default queue")
        return Plan()

    def page(
        self, query: QueueQuery, limit: int = 200, after: tuple | None = None, backward: bool = False
    ) -> list[QueueRow]:
        return read_page(self._execute, self._plan(query), limit, after, backward)

    def first_page(
        self, query: QueueQuery, limit: int, *, with_total: bool = True, exact: bool = True
    ) -> tuple[QueueCounts, list[QueueRow]]:
        plan = self._plan(query)
        counts = count_matches(self._execute, plan, with_total=with_total, exact=exact)
        return counts, read_page(self._execute, plan, limit, None, False)

    def counts(self, query: QueueQuery, *, with_total: bool = True) -> QueueCounts:
        return count_matches(self._execute, self._plan(query), with_total=with_total)

    def key_at(self, query: QueueQuery, position: int) -> tuple | None:
        return key_at(self._execute, self._plan(query), position)

    def rows_for(self, query: QueueQuery, ids: Sequence[uuid.UUID]) -> tuple[list[QueueRow], frozenset[uuid.UUID]]:
        return rows_matching(self._execute, self._plan(query), ids)
