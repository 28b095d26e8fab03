"""Similar incidents: open and recent ones whose title and description share words with this one.

Ranked by the queue's FTS5 index (``incident_search``, migration 0003_queue) with bm25 over the title and
description only, the same category first, then the rank; each with its workaround. Linking one as the
parent or as a duplicate is an ordinary ``update_fields`` change of ``parent_id`` (merged per field).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text

from desktop_app.domain.dtos import IncidentDetail, Result
from desktop_app.domain.enums import NoteKind, Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.ids import format_number
from desktop_app.domain.similarity import fts_any_of, search_terms
from desktop_app.services.incident_mapping import load_detail
from desktop_app.services.incident_service import _incident, _touch, _writable
from desktop_app.services.note_writer import add_note
from desktop_app.services.transaction import ServiceBase

RECENT = timedelta(days=90)
OPEN = tuple(s.value for s in Status if s.is_open)
# bm25 weights per column of incident_search: number, title, description, reporter, notes.
SIMILAR_SQL = """
SELECT i.id, i.number, i.title, i.status, i.workaround, i.category_id, c.path AS category_path,
       bm25(incident_search, 0.0, 10.0, 4.0, 0.0, 0.0) AS rank
FROM incident_search
JOIN incidents AS i ON i.rowid = incident_search.rowid
LEFT JOIN categories AS c ON c.id = i.category_id
WHERE incident_search MATCH :query
  AND i.id != :exclude
  AND (i.status IN ({open}) OR i.created_at >= :since)
ORDER BY (i.category_id IS NOT NULL AND i.category_id = :category) DESC, rank
LIMIT :limit
"""


@dataclass(frozen=True)
class SimilarIncident:
    id: uuid.UUID
    number: int | None
    title: str
    status: Status
    category_path: str | None
    workaround: str | None
    same_category: bool
    rank: float

    @property
    def display_number(self) -> str:
        return format_number(self.number)


class SimilarService(ServiceBase):
    def similar_to(self, incident_id: uuid.UUID, limit: int = 8) -> list[SimilarIncident]:
        with self._read() as session:
            incident = _incident(session, incident_id)
            title, description, category = incident.title, incident.description, incident.category_id
        return self.similar_text(title, description, category_id=category, exclude=incident_id, limit=limit)

    def similar_text(
        self,
        title: str | None,
        description: str | None,
        *,
        category_id: uuid.UUID | None = None,
        exclude: uuid.UUID | None = None,
        limit: int = 8,
    ) -> list[SimilarIncident]:
        """For the new-incident form too: what the agent typed so far, before anything is saved."""
        query = fts_any_of(search_terms(title, description))
        if query is None:
            return []
        placeholders = ", ".join(f"'{value}'" for value in OPEN)  # fixed enum values, not user input
        params = {
            "query": query,
            "exclude": (exclude or uuid.UUID(int=0)).hex,
            "category": category_id.hex if category_id else None,
            "since": (self._env.clock() - RECENT).replace(tzinfo=None),
            "limit": limit,
        }
        with self._read() as session:
            rows = session.execute(text(SIMILAR_SQL.format(open=placeholders)), params).all()
        return [
            SimilarIncident(
                id=uuid.UUID(hex=row.id) if isinstance(row.id, str) else row.id,
                number=row.number,
                title=row.title,
                status=Status(row.status),
                category_path=row.category_path,
                workaround=row.workaround,
                same_category=category_id is not None and _same(row.category_id, category_id),
                rank=float(row.rank),
            )
            for row in rows
        ]

    def link(self, incident_id: uuid.UUID, parent_id: uuid.UUID, *, duplicate: bool) -> Result[IncidentDetail]:
        """Make ``parent_id`` this incident's parent (a major incident) or mark this one its duplicate."""
        if incident_id == parent_id:
            raise ValidationError("An incident cannot be linked to itself.", field="parent")
        with self._write() as scope:
            incident = _writable(scope.session, incident_id)
            parent = _incident(scope.session, parent_id)
            if parent.parent_id == incident.id:
                raise ValidationError(f"{format_number(parent.number)} is already linked under this one.")
            if incident.parent_id == parent.id and not duplicate:
                raise ValidationError(f"Already linked to {format_number(parent.number)}.")
            if incident.parent_id != parent.id:
                base = {"parent_id": incident.parent_id, "version": incident.version}
                mutation_id = scope.enqueue("update_fields", incident.id, {"parent_id": parent.id}, base)
                scope.audit(incident.id, "parent_id", incident.parent_id, parent.id, mutation_id)
                incident.parent_id = parent.id
                _touch(scope, incident)
            if duplicate:
                body = f"Duplicate of {format_number(parent.number)}: {parent.title}"
                add_note(scope, incident, NoteKind.INVESTIGATION, body, visibility="internal")
            return Result(load_detail(scope.session, incident), scope.change_set())


def _same(stored: object, wanted: uuid.UUID) -> bool:
    return (uuid.UUID(hex=stored) if isinstance(stored, str) else stored) == wanted
