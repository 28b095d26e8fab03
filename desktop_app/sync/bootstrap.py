"""Bootstrap: the server's current state, downloaded page by page, then swapped in by one transaction.

Pages are spooled to anonymous temporary files (one per entity kind, so the swap can go parents
first) rather than held in memory. Nothing local changes until every page is in; a failure half-way
leaves the local copy as it was. The outbox is kept: pending mutations overlay the new state.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop_app.db.engine import bulk_page_cache
from desktop_app.db.search_index import search_indexed_at_end
from desktop_app.db.sla_due_bulk import sla_deadlines_at_end
from desktop_app.domain.ids import format_number
from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.models import Category, Group, Incident, IncidentShadow, Note, OutboxEntry
from desktop_app.sync.apply import ENTITY_ORDER, ChangeApplier
from desktop_app.sync.dtos import OutboxState, SyncProgress
from desktop_app.sync.http import ApiClient
from desktop_app.sync.overlay import NOTE_MUTATIONS, pending_touches
from desktop_app.sync.store import SyncStore, state_row
from sync_protocol.schemas import Change

PAGE_LIMIT = 1000
APPLY_CHUNK = 1000
MAX_PAGES = 1_000_000  # a server that never says "last page" is broken, not large


class Snapshot:
    """The downloaded pages: changes spooled per entity kind, and the cursor to pull from afterwards."""

    def __init__(self) -> None:
        self._files: dict[str, IO[str]] = {}
        self.cursor: int | None = None
        self.count = 0

    def add(self, change: Change) -> None:
        spool = self._files.get(change.entity)
        if spool is None:
            # Closed in close(); a with-block cannot span the pages of a download.
            spool = self._files[change.entity] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        spool.write(change.model_dump_json() + "\n")
        self.count += 1

    def chunks(self, entity: str) -> Iterator[list[Change]]:
        spool = self._files.get(entity)
        if spool is None:
            return
        spool.seek(0)
        chunk: list[Change] = []
        for line in spool:
            chunk.append(Change.model_validate_json(line))
            if len(chunk) >= APPLY_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def entities(self) -> list[str]:
        return [e for e in ENTITY_ORDER if e in self._files] + [e for e in self._files if e not in ENTITY_ORDER]

    def close(self) -> None:
        for spool in self._files.values():
            spool.close()
        self._files.clear()


def download(api: ApiClient, progress: Callable[[SyncProgress], None]) -> Snapshot:
    snapshot = Snapshot()
    try:
        page_token: str | None = None
        for _ in range(MAX_PAGES):
            page = api.bootstrap(page_token, PAGE_LIMIT)
            for change in page.entities:
                snapshot.add(change)
            # Pull from the oldest cursor any page named: replaying a change is harmless, missing one is not.
            snapshot.cursor = page.cursor if snapshot.cursor is None else min(snapshot.cursor, page.cursor)
            progress(SyncProgress("bootstrap", snapshot.count))
            if page.next_page is None:
                return snapshot
            page_token = page.next_page
        raise ProtocolError("The server's bootstrap never reached a last page.")
    except BaseException:
        snapshot.close()
        raise


def swap_in(store: SyncStore, snapshot: Snapshot, device_created_at: datetime | None) -> list[str]:
    """Replace the local copy of the server's data in one transaction; returns warnings to show."""
    with store.write() as scope:
        session = scope.session
        applier = ChangeApplier(session, scope.now)
        with bulk_page_cache(session), search_indexed_at_end(session), sla_deadlines_at_end(session):
            for entity in snapshot.entities():
                for chunk in snapshot.chunks(entity):
                    applier.apply(chunk)
            applier.finish()
        _remove_vanished(session, applier, scope.now)
        row = state_row(session)
        if not row.bootstrap_done and device_created_at is not None:
            adopt_first_run_defaults(session, device_created_at, scope.now)
        row.cursor = snapshot.cursor or 0
        row.bootstrap_done = True
        return applier.warnings


def _remove_vanished(session: Session, applier: ChangeApplier, now: datetime) -> None:
    """Incidents the server showed us before but not in this snapshot: deleted there, or withdrawn."""
    known = set(session.scalars(select(IncidentShadow.incident_id)))
    vanished = known - applier.server_incidents
    touches = pending_touches(session, vanished)
    for incident_id in vanished:
        incident = session.get(Incident, incident_id)
        if incident is None:
            continue
        if incident_id in touches:
            session.execute(delete(IncidentShadow).where(IncidentShadow.incident_id == incident_id))
            applier.warn(
                f"{format_number(incident.number)} is no longer on the server for you; it stays here until "
                "your pending changes to it are answered."
            )
        else:
            session.delete(incident)
    pending_notes = {
        str(value)
        for value in session.scalars(
            select(func.json_extract(OutboxEntry.payload, "$.note_id")).where(
                OutboxEntry.state == OutboxState.PENDING, OutboxEntry.name.in_(NOTE_MUTATIONS)
            )
        )
    }
    server_known_notes = session.execute(
        select(Note.id).join(IncidentShadow, IncidentShadow.incident_id == Note.incident_id)
    ).scalars()
    stale = [n for n in server_known_notes if n not in applier.server_notes and str(n) not in pending_notes]
    for start in range(0, len(stale), 900):
        session.execute(delete(Note).where(Note.id.in_(stale[start : start + 900])))
    session.flush()


def adopt_first_run_defaults(session: Session, device_created_at: datetime, now: datetime) -> int:
    """The starter groups and categories a new client made for itself give way to the server's directory.

    Those the server also has were merged already (same name or path). The rest are dropped here, with
    their never-sent ``create_*`` mutations marked discarded (kept for history), unless an incident
    uses them, in which case they stay and go to the server like any other change.
    """
    dropped = 0
    for model, name in ((Group, "create_group"), (Category, "create_category")):
        entries = session.scalars(
            select(OutboxEntry).where(
                OutboxEntry.name == name,
                OutboxEntry.state == OutboxState.PENDING,
                OutboxEntry.wire_seq.is_(None),
                OutboxEntry.created_at == device_created_at,
            )
        ).all()
        rows = {
            row.id: row for row in session.scalars(select(model).where(model.id.in_([e.entity_id for e in entries])))
        }
        # Deepest categories first, so a parent is free once its children are gone.
        for entry in sorted(entries, key=lambda e: -_depth(rows.get(e.entity_id))):
            row = rows.get(entry.entity_id)
            if row is not None and _in_use(session, model, row.id):
                continue
            if row is not None:
                session.delete(row)
                session.flush()
            entry.state = OutboxState.DISCARDED
            entry.error_code = "first_run_default"
            entry.error = "A starter entry of this new client; the server's directory is used instead."
            entry.settled_at = now
            dropped += 1
    return dropped


def _depth(row: object) -> int:
    return getattr(row, "depth", 0) or 0


def _in_use(session: Session, model: type, row_id: uuid.UUID) -> bool:
    column = Incident.group_id if model is Group else Incident.category_id
    if session.scalar(select(Incident.id).where(column == row_id).limit(1)) is not None:
        return True
    return (
        model is Category
        and session.scalar(select(Category.id).where(Category.parent_id == row_id).limit(1)) is not None
    )
