"""The queue's reads at a million incidents: filters, sort, keyset pages, counts and search.

Every order is a list of *segments* read one after another; within a segment rows come from one
index in (value…, id) order, so a page is an index range read however deep it is (keyset, never
OFFSET into row data). Columns with few values (priority, status, category, assignee) are one
segment per value in display order, each newest first; text columns are one segment over their
own index (plus one for NULLs). Search uses the FTS5 table ``incident_search``: with at most
``RANK_BOUND`` hits the results are ranked by bm25; with more, ranking would read every hit
(2.4 s for a million), so they come most recently added first, and ``QueueCounts`` says which.
A search sorted by a column (``by_relevance`` off) keeps the column's segments (``_sort_search``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.db import queue_sql
from desktop_app.db.queue_sql import OPEN_SQL, Execute, Plan, Segment
from desktop_app.db.quick_read import _stored_time
from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.queue_filter import OPEN_STATUSES, QueueCounts, QueueQuery, QueueRow
from desktop_app.domain.search_query import OPEN_WORD, SearchQuery, SearchSyntaxError, TextTerm, parse_search
from desktop_app.services.transaction import ServiceBase, ServiceEnv, local_agent_id

# A query matching at least this share of the incidents (and this many) counts as dense.
DENSE_FRACTION = 0.05
DENSE_MINIMUM = 5000
DENSITY_MEMORY = 256
STATUS_ORDER = tuple(Status)
PRIORITY_ORDER = tuple(Priority)
SEGMENT_COLUMNS = {
    "priority": "i.priority",
    "status": "i.status",
    "category": "i.category_id",
    "assignee": "i.assignee_id",
}


SLA_SOURCE = "sla_deadlines AS d CROSS JOIN incidents AS i ON i.id = d.incident_id"
DUE_OF_I = "SELECT 1 FROM sla_deadlines AS n WHERE n.incident_id = i.id AND n.due_at IS NOT NULL"
# Sorted searches by these many-valued columns read which values hold a hit (see _segments_with_hits).
PRUNED_COLUMNS = ("category",)  # assignees hold hits evenly: the window walk finds them sooner
PRUNE_BOUND = 40_000


def _executor(session: Session) -> Execute:
    connection = session.connection()
    return lambda sql, params: connection.exec_driver_sql(sql, tuple(params)).all()


class QueueService(ServiceBase):
    """Implements the queue model's source (``views/item_models/queue_table_model.QueueSource``)."""

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        # Which queries match most rows (from their last count): their pages read the order's index.
        self._density: dict[QueueQuery, bool] = {}

    def page(
        self, query: QueueQuery, limit: int = 200, after: tuple | None = None, backward: bool = False
    ) -> list[QueueRow]:
        with self._read() as session:
            return queue_sql.read_page(_executor(session), self._plan(session, query), limit, after, backward)

    def first_page(
        self, query: QueueQuery, limit: int, *, with_total: bool = True, exact: bool = True
    ) -> tuple[QueueCounts, list[QueueRow]]:
        """The counts and the first page in one read (one trip to the DB worker); see
        ``count_matches`` for what ``with_total`` and ``exact`` leave out."""
        with self._read() as session:
            execute, plan = _executor(session), self._plan(session, query)
            counts = queue_sql.count_matches(execute, plan, with_total=with_total, exact=exact)
            self._note_density(query, plan, counts)
            return counts, queue_sql.read_page(execute, plan, limit, None, False)

    def key_at(self, query: QueueQuery, position: int) -> tuple | None:
        with self._read() as session:
            return queue_sql.key_at(_executor(session), self._plan(session, query), position)

    def rows_for(self, query: QueueQuery, ids: Sequence[uuid.UUID]) -> tuple[list[QueueRow], frozenset[uuid.UUID]]:
        """These incidents as rows if the query matches them; and the ids it no longer matches."""
        if not ids:
            return [], frozenset()
        with self._read() as session:
            return queue_sql.rows_matching(_executor(session), self._plan(session, query), list(ids))

    def counts(self, query: QueueQuery, *, with_total: bool = True) -> QueueCounts:
        with self._read() as session:
            plan = self._plan(session, query)
            counts = queue_sql.count_matches(_executor(session), plan, with_total=with_total)
            self._note_density(query, plan, counts)
            return counts

    def _note_density(self, query: QueueQuery, plan: Plan, counts: QueueCounts) -> None:
        if counts.matches >= 0 and not plan.search_mode:
            total = counts.total if counts.total >= 0 else counts.matches
            if len(self._density) > DENSITY_MEMORY:
                self._density.clear()
            self._density[query] = counts.matches >= max(total * DENSE_FRACTION, DENSE_MINIMUM)

    def category_open_counts(self) -> dict[uuid.UUID | None, int]:
        """Open incidents per category including its descendants; ``None`` counts the uncategorised."""
        with self._read() as session:
            execute = _executor(session)
            direct = dict(
                execute(f"SELECT i.category_id, count(*) FROM incidents AS i WHERE {OPEN_SQL} GROUP BY 1", [])
            )
            categories = execute("SELECT id, parent_id FROM categories", [])
        parent_of = {row[0]: row[1] for row in categories}
        totals: dict[uuid.UUID | None, int] = {uuid.UUID(hex=c): 0 for c in parent_of}
        totals[None] = direct.get(None, 0)
        for category, number in direct.items():
            node, depth = category, 0
            while node is not None and depth < 64:  # the depth guard stops a corrupt parent loop
                totals[uuid.UUID(hex=node)] = totals.get(uuid.UUID(hex=node), 0) + number
                node = parent_of.get(node)
                depth += 1
        return totals

    def explain(self, query: QueueQuery) -> list[str]:
        """EXPLAIN QUERY PLAN lines of the count's and each segment's first-page statement (tests)."""
        with self._read() as session:
            execute, plan = _executor(session), self._plan(session, query)
            statements = [(f"SELECT count(*) FROM {plan.source}{plan.where_sql()}", plan.params)]
            for segment in plan.segments:
                order = queue_sql.order_sql(segment.keys, segment.descending)
                where = plan.where_sql([segment.where])
                columns, joins = queue_sql.SUMMARY_COLUMNS, queue_sql.JOINS
                source = segment.source or plan.source
                sql = f"SELECT {columns} FROM {source} {joins}{where} ORDER BY {order} LIMIT 200"
                statements.append((sql, [*plan.params, *segment.params]))
            return [str(row[3]) for sql, params in statements for row in execute(f"EXPLAIN QUERY PLAN {sql}", params)]

    # --- compiling a query ---------------------------------------------------------------

    def _plan(self, session: Session, query: QueueQuery) -> Plan:
        search = parse_search(query.search) if query.search.strip() else SearchQuery()
        terms = list(search.terms)
        if query.reporter.strip():
            terms += [TextTerm(word, "prefix", "reporter") for word in query.reporter.split()]
        plan = Plan()
        _add_filters(session, plan, query, search.filters, self._env.clock())
        plan.dense = self._density.get(query, False)
        if terms and plan.where:
            # With filters the filters' indexes lead and the hits are a membership test ("+": never
            # the driver; walking every hit of a common word to test the filters takes seconds).
            # Such results follow the column sort; they are not ranked.
            plan.where.append("+i.rowid IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)")
            plan.params.append(SearchQuery(tuple(terms)).fts_expression())
            plan.search_mode = "filtered"
        elif terms and not query.by_relevance and query.sort.column != "sla":
            _sort_search(session, plan, query, SearchQuery(tuple(terms)).fts_expression())
            return plan
        elif terms:
            if not query.by_relevance:  # only the SLA order gets here: its deadlines are not searched
                plan.note = "a search alone is not sorted by SLA (add a filter, or clear the search)"
            plan.count_source = "incident_search AS s"
            plan.source = "incident_search AS s JOIN incidents AS i ON i.rowid = s.rowid"
            plan.where.append("incident_search MATCH ?")
            plan.params.append(SearchQuery(tuple(terms)).fts_expression())
            probe = _hits_up_to(session, plan.params[-1], queue_sql.RANK_BOUND + 1)
            if probe <= queue_sql.RANK_BOUND:
                plan.search_mode, plan.ranked = "ranked", True
                plan.segments = [Segment("", (), ("s.rank", "i.rowid"), False)]
            else:
                plan.search_mode = "recent"
                plan.segments = [Segment("", (), ("s.rowid",), True)]
            return plan
        plan.segments = _segments(session, query)
        return plan


def _hits_up_to(session: Session, match: str, bound: int) -> int:
    """The number of hits, counting no further than ``bound`` (cheap however common the word)."""
    sql = f"SELECT count(*) FROM ({queue_sql.HITS_SQL} LIMIT ?)"
    return int(_executor(session)(sql, [match, bound])[0][0])


def _sort_search(session: Session, plan: Plan, query: QueueQuery, match: str) -> None:
    """A search that is the only condition, in the column's order (the same segments as without
    it). Few hits: SQLite reads them first, then each row by rowid, and sorts them, ~1 µs a hit. Many:
    each segment's index leads ("+": never the hits), a window of it at a time tested against the
    hits in the window's rowid span (``queue_sql._window_walk``), against every hit when too few."""
    plan.search_mode, plan.fts_match = "sorted", match
    plan.segments = _segments(session, query)
    plan.walks_index = _hits_up_to(session, match, queue_sql.SPARSE_BOUND + 1) > queue_sql.SPARSE_BOUND
    if plan.walks_index and query.sort.column in PRUNED_COLUMNS:
        plan.segments = _segments_with_hits(session, plan.segments, query.sort.column, match)
    if plan.walks_index:
        plan.where.append(f"+i.rowid IN ({queue_sql.HITS_SQL})")
    else:
        plan.source = queue_sql.FROM_HITS
        plan.where.append("incident_search MATCH ?")
    plan.params.append(match)


def _segments_with_hits(session: Session, segments: list[Segment], column: str, match: str) -> list[Segment]:
    """Only the segments (categories, assignees) holding a hit, when the word has few enough hits to
    look each one up (~1.1 µs a hit). A word that clusters in one category ("printer": 31,865 hits at
    1M, all under Hardware > Printer) otherwise walked every empty category to its end: 146 ms for
    the first page sorted by category, 40 ms this way."""
    if _hits_up_to(session, match, PRUNE_BOUND + 1) > PRUNE_BOUND:
        return segments  # common enough to be found early in most segments by the window walk
    expression = SEGMENT_COLUMNS[column]
    sql = f"SELECT DISTINCT {expression} FROM {queue_sql.FROM_HITS} WHERE incident_search MATCH ?"
    present = {row[0] for row in _executor(session)(sql, [match])}
    return [segment for segment in segments if (segment.params[0] if segment.params else None) in present]


def _segments(session: Session, query: QueueQuery) -> list[Segment]:
    column, descending = query.sort.column, query.sort.descending
    newest = ("i.created_at", "i.id")
    if column == "created":
        return [Segment("", (), newest, descending)]
    if column == "updated":
        return [Segment("", (), ("i.updated_at", "i.id"), descending)]
    if column == "sla":
        # Incidents with a running clock by their next deadline, read from the deadlines' own index
        # (a few thousand rows, the open work); then the rest, newest first, in either direction.
        timed = Segment("d.due_at IS NOT NULL", (), ("d.due_at", "d.incident_id"), descending, SLA_SOURCE)
        untimed = Segment(f"NOT EXISTS ({DUE_OF_I})", (), newest, True)
        return [timed, untimed]
    if column in ("title", "number", "reporter"):
        expression = {"title": "i.title", "number": "i.number", "reporter": "i.reporter_name"}[column]
        # Numbers are unique: the number alone is the cursor (its unique index has no id).
        keys = (expression,) if column == "number" else (expression, "i.id")
        values = Segment(f"{expression} IS NOT NULL", (), keys, descending)
        # No reporter is a large group (statistics average over all names): the hint steers SQLite to
        # its partial index (migration 0008), already newest first, instead of sorting the group.
        blank = f"likelihood({expression} IS NULL, 0.9)" if column == "reporter" else f"{expression} IS NULL"
        nulls = Segment(blank, (), newest, True)
        # Pending numbers are the newest: first when newest-first; blank reporters go last.
        if column == "number":
            return [nulls, values] if descending else [values, nulls]
        return [values] if column == "title" else [values, nulls]
    values = _segment_values(session, column, query)
    if descending:
        values = list(reversed(values))
    expression = SEGMENT_COLUMNS[column]
    return [
        Segment(f"{expression} IS NULL", (), newest, True)
        if v is None
        else Segment(f"{expression} = ?", (v,), newest, True)
        for v in values
    ]


def _segment_values(session: Session, column: str, query: QueueQuery) -> list[Any]:
    """The values of a low-cardinality column in display order (None last), pruned by the filters."""
    conn = session.connection()
    if column == "priority":
        chosen = query.priorities or PRIORITY_ORDER
        return [p.value for p in PRIORITY_ORDER if p in chosen]
    if column == "status":
        chosen = query.statuses or STATUS_ORDER
        return [s.value for s in STATUS_ORDER if s in chosen]
    if column == "category":
        rows = conn.exec_driver_sql("SELECT id, path FROM categories").all()
        ordered = [row[0] for row in sorted(rows, key=lambda r: [p.casefold() for p in r[1].split(" > ")])]
        return [*ordered, None]
    rows = conn.exec_driver_sql("SELECT id, name FROM agents").all()
    return [*(row[0] for row in sorted(rows, key=lambda r: r[1].casefold())), None]


def _add_filters(
    session: Session, plan: Plan, query: QueueQuery, typed: dict[str, tuple[str, ...]], now: datetime
) -> None:
    where, params = plan.where, plan.params
    conn = session.connection()
    statuses = {s.value for s in query.statuses}
    for value in typed.get("status", ()):
        wanted = {s.value for s in OPEN_STATUSES} if value == OPEN_WORD else {value}
        statuses = statuses & wanted if statuses else wanted
        if not statuses:
            plan.empty = True
    if statuses:
        if statuses == {s.value for s in OPEN_STATUSES}:
            where.append(OPEN_SQL)  # literally the partial indexes' condition, so they apply
        else:
            # Resolved in the last days: the resolved_at index is the narrower one.
            column = "+i.status" if query.resolved_within_days is not None else "{+}i.status"
            _in(where, params, column, sorted(statuses))
    priorities = sorted({p.value for p in query.priorities} | set(typed.get("priority", ())))
    if priorities:
        _in(where, params, "{+}i.priority", priorities)
    channels = sorted({c.value for c in query.channels} | set(typed.get("channel", ())))
    if channels:
        _in(where, params, "{+}i.channel", channels)
    groups = [g.hex for g in query.group_ids]
    for name in typed.get("group", ()):
        groups += _names_to_ids(conn, "groups", name, "group")
    if groups:
        _in(where, params, "{+}i.group_id", groups)
    assignees = [a.hex for a in query.assignee_ids]
    unassigned = query.unassigned
    me = (
        local_agent_id(session)
        if query.assigned_to_me or "me" in (n.lower() for n in typed.get("assignee", ()))
        else None
    )
    if query.assigned_to_me:
        assignees.append(me.hex if me else "")
    for name in typed.get("assignee", ()):
        if name.lower() in ("none", "nobody", "unassigned"):
            unassigned = True
        elif name.lower() == "me":
            assignees.append(me.hex if me else "")
        else:
            assignees += _names_to_ids(conn, "agents", name, "agent")
    if assignees and unassigned:
        marks = ",".join("?" for _ in assignees)
        where.append(f"(i.assignee_id IN ({marks}) OR i.assignee_id IS NULL)")
        params.extend(assignees)
    elif assignees:
        _in(where, params, "{+}i.assignee_id", assignees)
    elif unassigned:
        where.append("i.assignee_id IS NULL")
    categories: list[str] = []
    if query.category_id is not None:
        categories = _category_subtree(conn, query.category_id.hex)
    for text in typed.get("category", ()):
        matched = _category_by_text(conn, text)
        categories = [c for c in categories if c in matched] if categories else matched
        if not categories:
            plan.empty = True
    if categories:
        _in(where, params, "{+}i.category_id", categories)
    numbers = [int(n) for n in typed.get("number", ())]
    if numbers:
        _in(where, params, "i.number", numbers)
    drill = query.drill
    for value in typed.get("drill", ()):
        drill = value == "yes"
    if drill is not None:
        where.append("i.is_drill = ?")
        params.append(int(drill))
    for column, start, end in (
        ("i.created_at", query.created_from, query.created_to),
        ("i.updated_at", query.updated_from, query.updated_to),
    ):
        if start is not None:
            where.append(f"{column} >= ?")
            params.append(_stored_time(start))
        if end is not None:
            where.append(f"{column} < ?")
            params.append(_stored_time(end))
    if query.breaching_soon:
        # A running SLA clock has passed its warning share: the stored deadlines' index range
        # (services/sla_deadlines.py) is a membership test while the open index leads in the sort's
        # order ("+"), so a page stops early and the count reads the open index only (1M: 3 + 6 ms,
        # against 18 + 18 ms looking every warned incident up by key and sorting them).
        where.append("+i.id IN (SELECT incident_id FROM sla_deadlines WHERE warn_at <= ?)")
        params.append(_stored_time(now))
    if query.resolved_within_days is not None:
        # Without range statistics SQLite guesses a quarter of the table and scans it instead.
        plan.source = "incidents AS i INDEXED BY ix_incidents_resolved_at"
        where.append("i.resolved_at >= ?")
        params.append(_stored_time(now - timedelta(days=query.resolved_within_days)))
    if query.pending_sync:
        # Both halves read an index (number; outbox state), then look incidents up by rowid.
        where.append(
            "i.rowid IN (SELECT rowid FROM incidents WHERE number IS NULL UNION SELECT p.rowid FROM outbox AS o "
            "JOIN incidents AS p ON p.id = o.entity_id WHERE o.state = 'pending')"
        )


def _in(where: list[str], params: list[Any], column: str, values: Sequence[Any]) -> None:
    if len(values) == 1:
        where.append(f"{column} = ?")
    else:
        where.append(f"{column} IN ({','.join('?' for _ in values)})")
    params.extend(values)


def _names_to_ids(conn: Any, table: str, name: str, noun: str) -> list[str]:
    rows = conn.exec_driver_sql(f"SELECT id, name FROM {table}").all()
    folded = name.casefold()
    exact = [row[0] for row in rows if row[1].casefold() == folded]
    partial = [row[0] for row in rows if folded in row[1].casefold()]
    if exact or partial:
        return exact or partial
    raise SearchSyntaxError(f"No {noun} is called “{name}”.")


def _category_subtree(conn: Any, category_hex: str) -> list[str]:
    rows = conn.exec_driver_sql("SELECT id, path FROM categories").all()
    path = next((row[1] for row in rows if row[0] == category_hex), None)
    if path is None:
        return [category_hex]
    return [row[0] for row in rows if row[1] == path or row[1].startswith(path + " > ")]


def _category_by_text(conn: Any, text: str) -> list[str]:
    """Categories whose path or name holds the text, with everything under them."""
    rows = conn.exec_driver_sql("SELECT id, path, name FROM categories").all()
    folded = " ".join(text.replace(">", " > ").split()).casefold()
    roots = [row[1] for row in rows if row[1].casefold() == folded or row[2].casefold() == folded]
    roots = roots or [row[1] for row in rows if folded in row[1].casefold()]
    if not roots:
        raise SearchSyntaxError(f"No category is called “{text}”.")
    return [row[0] for row in rows if any(row[1] == r or row[1].startswith(r + " > ") for r in roots)]
