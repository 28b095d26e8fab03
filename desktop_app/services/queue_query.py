"""The queue's reads at a million incidents: filters, sort, keyset pages, counts and search.

Every order is a list of *segments* read one after another; within a segment rows come from one
index in (value…, id) order, so a page is an index range read however deep it is (keyset, never
OFFSET into row data). Columns with few values (priority, status, category, assignee) are one
segment per value in display order, each newest first; text columns are one segment over their
own index (plus one for NULLs). Search uses the FTS5 table ``incident_search``: with at most
``RANK_BOUND`` hits the results are ranked by bm25; with more, ranking would read every hit
(2.4 s for a million), so they come most recently added first, and ``QueueCounts`` says which.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.db.quick_read import _row_to_summary, _stored_time
from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.queue_filter import (
    OPEN_STATUSES,
    PRIORITY_AGE_HOURS,
    Descending,
    QueueCounts,
    QueueQuery,
    QueueRow,
)
from desktop_app.domain.search_query import OPEN_WORD, SearchQuery, SearchSyntaxError, TextTerm, parse_search
from desktop_app.services.transaction import ServiceBase, local_agent_id

RANK_BOUND = 1000
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
STATUS_ORDER = tuple(Status)
PRIORITY_ORDER = tuple(Priority)


@dataclass(frozen=True)
class Segment:
    where: str  # "" for none
    params: tuple[Any, ...]
    keys: tuple[str, ...]  # SQL expressions, the last one unique (id or rowid)
    descending: bool


@dataclass
class Plan:
    """A query compiled to SQL: FROM, WHERE, and the ordered segments."""

    source: str
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    search_mode: str = ""
    ranked: bool = False  # ordered by bm25 in Python (a bounded set)
    empty: bool = False  # a filter that matches nothing (an unknown name)

    def where_sql(self, extra: Sequence[str] = ()) -> str:
        parts = [*self.where, *(part for part in extra if part)]
        return " WHERE " + " AND ".join(parts) if parts else ""


class QueueService(ServiceBase):
    # --- pages ---------------------------------------------------------------------------

    def page(
        self, query: QueueQuery, limit: int = 200, after: tuple | None = None, backward: bool = False
    ) -> list[QueueRow]:
        """Rows after ``after`` in display order (from the top when None); with ``backward``,
        the rows before it (from the bottom when None), still returned in display order."""
        with self._read() as session:
            plan = self._plan(session, query)
            if plan.empty:
                return []
            if plan.ranked:
                return _ranked_page(session, plan, limit, after, backward)
            return _segment_page(session, plan, limit, after, backward)

    def key_at(self, query: QueueQuery, position: int) -> tuple | None:
        """The cursor of the row at ``position``, for a jump into the middle: counts whole segments
        and reads keys only (covering index) inside the one that holds it."""
        with self._read() as session:
            plan = self._plan(session, query)
            if plan.empty or position < 0:
                return None
            if plan.ranked:
                rows = _ranked_page(session, plan, position + 1, None, False)
                return rows[position].key if position < len(rows) else None
            remaining = position
            for index, segment in enumerate(plan.segments):
                where = plan.where_sql([segment.where])
                size = _scalar(session, f"SELECT count(*) FROM {plan.source}{where}", [*plan.params, *segment.params])
                if remaining < size:
                    order = _order_sql(segment.keys, segment.descending)
                    sql = (
                        f"SELECT {', '.join(segment.keys)} FROM {plan.source}{where} ORDER BY {order} LIMIT 1 OFFSET ?"
                    )
                    row = session.connection().exec_driver_sql(sql, (*plan.params, *segment.params, remaining)).first()
                    return (index, *row) if row else None
                remaining -= size
            return None

    def rows_for(self, query: QueueQuery, ids: Sequence[uuid.UUID]) -> tuple[list[QueueRow], frozenset[uuid.UUID]]:
        """These incidents as rows if the query matches them; and the ids it no longer matches."""
        wanted = [i.hex for i in ids]
        if not wanted:
            return [], frozenset()
        marks = ",".join("?" for _ in wanted)
        with self._read() as session:
            plan = self._plan(session, query)
            found: list[QueueRow] = []
            if not plan.empty:
                plan.where.append(f"i.id IN ({marks})")
                plan.params.extend(wanted)
                if plan.ranked:
                    found = _ranked_page(session, plan, len(wanted), None, False)
                else:
                    for index, segment in enumerate(plan.segments):
                        found += _read_segment(session, plan, index, segment, None, False, len(wanted))
            matched = {row.summary.id for row in found}
            return found, frozenset(i for i in ids if i not in matched)

    # --- counts --------------------------------------------------------------------------

    def counts(self, query: QueueQuery) -> QueueCounts:
        with self._read() as session:
            total = _scalar(session, "SELECT count(*) FROM incidents")
            plan = self._plan(session, query)
            if plan.empty:
                matches = 0
            elif not plan.where and plan.source == "incidents AS i":
                matches = total
            else:
                matches = _scalar(session, f"SELECT count(*) FROM {plan.source}{plan.where_sql()}", plan.params)
            note = ""
            if plan.search_mode == "ranked":
                note = "ranked by relevance"
            elif plan.search_mode == "recent":
                note = f"too many matches to rank (over {RANK_BOUND:,}): most recent first"
            return QueueCounts(total, matches, plan.search_mode, note)

    def category_open_counts(self) -> dict[uuid.UUID | None, int]:
        """Open incidents per category including its descendants; ``None`` counts the uncategorised."""
        with self._read() as session:
            conn = session.connection()
            direct = dict(
                conn.exec_driver_sql(
                    f"SELECT i.category_id, count(*) FROM incidents AS i WHERE {OPEN_SQL} GROUP BY 1"
                ).all()
            )
            categories = conn.exec_driver_sql("SELECT id, parent_id FROM categories").all()
        parent_of = {row[0]: row[1] for row in categories}
        totals: dict[uuid.UUID | None, int] = {uuid.UUID(hex=c): 0 for c in parent_of}
        totals[None] = direct.get(None, 0)
        for category, number in direct.items():
            node = category
            seen = 0
            while node is not None and seen < 64:  # the depth guard stops a corrupt parent loop
                totals[uuid.UUID(hex=node)] = totals.get(uuid.UUID(hex=node), 0) + number
                node = parent_of.get(node)
                seen += 1
        return totals

    def explain(self, query: QueueQuery) -> list[str]:
        """EXPLAIN QUERY PLAN lines of the first page's and the count's statements (for tests)."""
        with self._read() as session:
            plan = self._plan(session, query)
            conn = session.connection()
            statements = [(f"SELECT count(*) FROM {plan.source}{plan.where_sql()}", plan.params)]
            for segment in plan.segments:
                order = _order_sql(segment.keys, segment.descending)
                where = plan.where_sql([segment.where])
                sql = f"SELECT {SUMMARY_COLUMNS} FROM {plan.source} {JOINS}{where} ORDER BY {order} LIMIT 200"
                statements.append((sql, [*plan.params, *segment.params]))
            lines: list[str] = []
            for sql, params in statements:
                lines += [str(row[3]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", tuple(params))]
            return lines

    # --- compiling a query ---------------------------------------------------------------

    def _plan(self, session: Session, query: QueueQuery) -> Plan:
        search = parse_search(query.search) if query.search.strip() else SearchQuery()
        terms = list(search.terms)
        if query.reporter.strip():
            terms += [TextTerm(word, "prefix", "reporter") for word in query.reporter.split()]
        plan = Plan("incidents AS i")
        _add_filters(session, plan, query, search.filters, self._env.clock())
        if terms:
            expression = SearchQuery(tuple(terms)).fts_expression()
            plan.source = "incident_search AS s JOIN incidents AS i ON i.rowid = s.rowid"
            plan.where.insert(0, "incident_search MATCH ?")
            plan.params.insert(0, expression)
            # Bounded: stops reading hits at one more than the ranking bound.
            probe = _scalar(
                session,
                f"SELECT count(*) FROM (SELECT 1 FROM {plan.source}{plan.where_sql()} LIMIT ?)",
                [*plan.params, RANK_BOUND + 1],
            )
            if probe <= RANK_BOUND:
                plan.search_mode, plan.ranked = "ranked", True
                plan.segments = [Segment("", (), ("s.rank", "i.rowid"), False)]
            else:
                plan.search_mode = "recent"
                plan.segments = [Segment("", (), ("s.rowid",), True)]
            return plan
        plan.segments = self._segments(session, query)
        return plan

    def _segments(self, session: Session, query: QueueQuery) -> list[Segment]:
        column, descending = query.sort.column, query.sort.descending
        newest = ("i.created_at", "i.id")
        if column == "created":
            return [Segment("", (), newest, descending)]
        if column == "updated":
            return [Segment("", (), ("i.updated_at", "i.id"), descending)]
        if column in ("title", "number", "reporter"):
            expression = {"title": "i.title", "number": "i.number", "reporter": "i.reporter_name"}[column]
            # Numbers are unique: the number alone is the cursor (its unique index has no id).
            keys = (expression,) if column == "number" else (expression, "i.id")
            values = Segment(f"{expression} IS NOT NULL", (), keys, descending)
            nulls = Segment(f"{expression} IS NULL", (), newest, True)
            # Pending numbers are the newest: first when newest-first; blank reporters go last.
            if column == "number":
                return [nulls, values] if descending else [values, nulls]
            return [values] if column == "title" else [values, nulls]
        values = _segment_values(session, column, query)
        if descending:
            values = list(reversed(values))
        expression = {
            "priority": "i.priority",
            "status": "i.status",
            "category": "i.category_id",
            "assignee": "i.assignee_id",
        }[column]
        return [
            Segment(
                f"{expression} IS NULL" if v is None else f"{expression} = ?", () if v is None else (v,), newest, True
            )
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
            _in(where, params, "i.status", sorted(statuses))
    priorities = sorted({p.value for p in query.priorities} | set(typed.get("priority", ())))
    if priorities:
        _in(where, params, "i.priority", priorities)
    channels = sorted({c.value for c in query.channels} | set(typed.get("channel", ())))
    if channels:
        _in(where, params, "i.channel", channels)
    groups = [g.hex for g in query.group_ids]
    for name in typed.get("group", ()):
        groups += _names_to_ids(conn, "groups", name, "group")
    if groups:
        _in(where, params, "i.group_id", groups)
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
        _in(where, params, "i.assignee_id", assignees)
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
        _in(where, params, "i.category_id", categories)
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
        ages = " OR ".join("(i.priority = ? AND i.created_at < ?)" for _ in PRIORITY_AGE_HOURS)
        where.append(f"({ages})")
        for priority, hours in PRIORITY_AGE_HOURS.items():
            params += [priority.value, _stored_time(now - timedelta(hours=hours))]
    if query.resolved_within_days is not None:
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


def _scalar(session: Session, sql: str, params: Sequence[Any] = ()) -> int:
    return int(session.connection().exec_driver_sql(sql, tuple(params)).scalar() or 0)


def _order_sql(keys: Sequence[str], descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{key} {direction}" for key in keys)


def _to_row(raw: Sequence[Any], index: int, segment: Segment) -> QueueRow:
    key_values = tuple(raw[SUMMARY_WIDTH:])
    order_values = tuple(Descending(v) for v in key_values) if segment.descending else key_values
    return QueueRow(_row_to_summary(tuple(raw[:SUMMARY_WIDTH])), (index, *key_values), (index, *order_values))


def _read_segment(
    session: Session, plan: Plan, index: int, segment: Segment, after: tuple | None, backward: bool, limit: int
) -> list[QueueRow]:
    descending = segment.descending != backward
    extra = [segment.where]
    params = [*plan.params, *segment.params]
    if after is not None:
        marks = ", ".join("?" for _ in segment.keys)
        extra.append(f"({', '.join(segment.keys)}) {'<' if descending else '>'} ({marks})")
        params.extend(after)
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, {', '.join(segment.keys)} FROM {plan.source} {JOINS}"
        f"{plan.where_sql(extra)} ORDER BY {_order_sql(segment.keys, descending)} LIMIT ?"
    )
    raw_rows = session.connection().exec_driver_sql(sql, (*params, limit)).all()
    return [_to_row(raw, index, segment) for raw in raw_rows]


def _segment_page(session: Session, plan: Plan, limit: int, after: tuple | None, backward: bool) -> list[QueueRow]:
    segments = plan.segments
    if backward:
        start = after[0] if after is not None else len(segments) - 1
        indexes = range(start, -1, -1)
    else:
        start = after[0] if after is not None else 0
        indexes = range(start, len(segments))
    rows: list[QueueRow] = []
    for index in indexes:
        cursor = tuple(after[1:]) if after is not None and index == after[0] else None
        rows += _read_segment(session, plan, index, segments[index], cursor, backward, limit - len(rows))
        if len(rows) >= limit:
            break
    return list(reversed(rows)) if backward else rows


def _ranked_page(session: Session, plan: Plan, limit: int, after: tuple | None, backward: bool) -> list[QueueRow]:
    """A bounded hit set ordered by bm25 (FTS5 ``rank``), cut at the cursor in Python."""
    segment = plan.segments[0]
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, s.rank, i.rowid FROM {plan.source} {JOINS}{plan.where_sql()} "
        f"ORDER BY s.rank, i.rowid LIMIT {RANK_BOUND + 1}"
    )
    rows = [_to_row(raw, 0, segment) for raw in session.connection().exec_driver_sql(sql, tuple(plan.params)).all()]
    if after is not None:
        rows = [row for row in rows if (row.key < after if backward else row.key > after)]
    return rows[-limit:] if backward else rows[:limit]
