"""Read the first page of the queue with the standard library's sqlite3, before SQLAlchemy loads.

Start-up shows the window and the newest incidents from here in a few milliseconds; the full
services (SQLAlchemy, migrations check, sync) load on the worker right after the first paint and
then take over. Only used when the file is already at the current schema and initialised; any
doubt sends start-up down the normal path, which reports problems properly. The queries mirror
``services/incident_mapping.summary_select``; a test checks both give the same summaries.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.db.revisions import HEAD_REVISION
from desktop_app.domain.dtos import IncidentSummary
from desktop_app.domain.enums import Channel, Priority, Status

OPEN_STATUSES = tuple(s.value for s in Status if s.is_open)

_SUMMARY_SQL = """
SELECT i.id, i.number, i.title, i.status, i.priority, c.path, i.reporter_name, g.name, a.name,
       i.channel, i.created_at, i.updated_at, i.is_drill
FROM incidents AS i
LEFT JOIN categories AS c ON c.id = i.category_id
LEFT JOIN groups AS g ON g.id = i.group_id
LEFT JOIN agents AS a ON a.id = i.assignee_id
"""


def _stored_time(moment: datetime) -> str:
    """SQLAlchemy's storage format for DateTime on SQLite (naive UTC, microseconds)."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _row_to_summary(row: tuple) -> IncidentSummary:
    return IncidentSummary(
        id=uuid.UUID(hex=row[0]),
        number=row[1],
        title=row[2],
        status=Status(row[3]),
        priority=Priority(row[4]),
        category_path=row[5],
        reporter_name=row[6],
        group_name=row[7],
        assignee_name=row[8],
        channel=Channel(row[9]),
        created_at=_parse_time(row[10]),
        updated_at=_parse_time(row[11]),
        is_drill=bool(row[12]),
    )


class QuickQueueSource:
    """The three reads the queue model needs, over a read-only sqlite3 connection."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(f"file:{self._db_path}?mode=ro", uri=True, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout=5000")
        return connection

    def count(self, open_only: bool = False) -> int:
        with self._connect() as connection:
            if open_only:
                marks = ",".join("?" for _ in OPEN_STATUSES)
                return connection.execute(
                    f"SELECT count(*) FROM incidents WHERE status IN ({marks})", OPEN_STATUSES
                ).fetchone()[0]
            return connection.execute("SELECT count(*) FROM incidents").fetchone()[0]

    def list_recent(
        self, limit: int = 200, after: tuple[datetime, uuid.UUID] | None = None, open_only: bool = False
    ) -> list[IncidentSummary]:
        clauses: list[str] = []
        params: list[object] = []
        if after is not None:
            clauses.append("(i.created_at, i.id) < (?, ?)")
            params += [_stored_time(after[0]), after[1].hex]
        if open_only:
            clauses.append(f"i.status IN ({','.join('?' for _ in OPEN_STATUSES)})")
            params += OPEN_STATUSES
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"{_SUMMARY_SQL} {where} ORDER BY i.created_at DESC, i.id DESC LIMIT ?"
        with self._connect() as connection:
            return [_row_to_summary(row) for row in connection.execute(sql, [*params, limit])]

    def summaries(self, ids: list[uuid.UUID] | frozenset[uuid.UUID]) -> list[IncidentSummary]:
        wanted = [i.hex for i in ids]
        if not wanted:
            return []
        sql = f"{_SUMMARY_SQL} WHERE i.id IN ({','.join('?' for _ in wanted)})"
        with self._connect() as connection:
            return [_row_to_summary(row) for row in connection.execute(sql, wanted)]


def quick_queue_source(db_path: Path) -> QuickQueueSource | None:
    """A reader when the file is current and initialised; ``None`` sends start-up the normal way."""
    if not db_path.exists():
        return None
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            device = connection.execute("SELECT 1 FROM device_state WHERE id = 1").fetchone()
            category = connection.execute("SELECT 1 FROM categories LIMIT 1").fetchone()
            group = connection.execute("SELECT 1 FROM groups LIMIT 1").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if revision is None or revision[0] != HEAD_REVISION or not (device and category and group):
        return None
    return QuickQueueSource(db_path)
