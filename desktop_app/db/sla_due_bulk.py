"""Bulk loads mark their open incidents' SLA deadlines stale once at the end, not per row.

Triggers (migration 0007) keep ``sla_deadlines`` marked: one insert per new open incident and a
check per status or priority history row. A bootstrap writes a hundred thousand incidents and their
history in one transaction; the triggers took it from 23.5 s to 29.6 s at 100,000 here. Inside
``sla_deadlines_at_end`` they are dropped and put back as they were (DDL is transactional in
SQLite: a rollback restores them too); at its end every open incident is marked stale in one
statement and rows of incidents no longer open are dropped, which is what the triggers and the next
recompute would have left. The background check recomputes them (``services/sla_deadlines.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop_app.db.deferred_triggers import triggers_dropped
from desktop_app.db.queue_sql import OPEN_SQL

TRIGGERS = ("sla_due_incident_insert", "sla_due_incident_update", "sla_due_history_insert")
MARK_OPEN_STALE = text(
    "INSERT INTO sla_deadlines (incident_id, paused, stale) "
    f"SELECT i.id, 0, 1 FROM incidents AS i WHERE {OPEN_SQL} AND i.rowid > :after "
    "ON CONFLICT (incident_id) DO UPDATE SET stale = 1"
)
DROP_FINISHED = text(
    f"DELETE FROM sla_deadlines WHERE incident_id NOT IN (SELECT i.id FROM incidents AS i WHERE {OPEN_SQL})"
)


@contextmanager
def sla_deadlines_at_end(session: Session | Connection, *, inserts_only: bool = False) -> Iterator[None]:
    """Within the caller's write transaction: what the block writes is marked for recompute at its end.

    ``inserts_only`` (the demo seeder): the block only adds incidents, so only those are marked."""
    after = session.execute(text("SELECT coalesce(max(rowid), 0) FROM incidents")).scalar() if inserts_only else 0
    with triggers_dropped(session, TRIGGERS) as dropped:
        yield
    if not dropped:  # a schema before 0007: nothing to catch up
        return
    session.execute(MARK_OPEN_STALE, {"after": after})
    if not inserts_only:
        session.execute(DROP_FINISHED)
