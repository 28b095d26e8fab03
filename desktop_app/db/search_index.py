"""Bulk loads index their incidents for search once at the end, not one trigger call per row.

The queue's full-text table (``incident_search``, migration 0003) is kept current by triggers. A
bootstrap inserts tens of thousands of incidents in one transaction; one FTS5 insert per row from the
trigger took 3.8 s per 20,000 incidents here, one ``INSERT ... SELECT`` afterwards 0.9 s. The insert
trigger is dropped for the transaction and put back as it was (DDL is transactional in SQLite: a
rollback restores it too). The other triggers stay: updates, deletes and notes of rows already
indexed go through them as usual; notes of the new incidents are gathered by the bulk insert.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop_app.db.deferred_triggers import triggers_dropped

INSERT_TRIGGER = "incidents_search_insert"
# Must index what the insert trigger and the notes trigger together would have (a test compares them).
BULK_INDEX = text(
    "INSERT INTO incident_search(rowid, number, title, description, reporter, notes) "
    "SELECT rowid, number, title, description, "
    "coalesce(reporter_name, '') || ' ' || coalesce(reporter_email, ''), "
    "(SELECT coalesce(group_concat(body, ' '), '') FROM notes WHERE notes.incident_id = incidents.id) "
    "FROM incidents WHERE rowid > :after"
)


@contextmanager
def search_indexed_at_end(session: Session | Connection) -> Iterator[None]:
    """Within the caller's write transaction: incidents inserted inside the block are indexed at its end.

    Takes a Session (bootstrap) or a Connection (the demo seeder, which writes without the ORM).
    """
    after = session.execute(text("SELECT coalesce(max(rowid), 0) FROM incidents")).scalar()
    with triggers_dropped(session, (INSERT_TRIGGER,)) as dropped:
        yield
    if dropped:  # a schema without the search table has nothing to catch up
        session.execute(BULK_INDEX, {"after": after})
