"""Known errors / knowledge entries: a symptom and its workaround for a category, saved from a published
workaround and suggested later (similar incidents, the new-incident form, ``helpdesk-cli known``).

They sync as ``save_knowledge`` (append-only: an entry is never edited, so it never conflicts) and come
back to every user as ``knowledge`` changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from desktop_app.domain.errors import NotFoundError
from desktop_app.domain.limits import DESCRIPTION_MAX, clean_text
from desktop_app.domain.similarity import overlap_score, search_terms
from desktop_app.models import Category, Incident, KnowledgeEntry
from desktop_app.services.transaction import ServiceBase

CANDIDATES = 500  # newest entries read per search: the list stays small next to the incidents


@dataclass(frozen=True)
class KnownError:
    id: uuid.UUID
    category_path: str | None
    symptom: str
    workaround: str
    source_incident_id: uuid.UUID | None
    created_at: datetime
    score: float = 0.0


class KnowledgeService(ServiceBase):
    def save(
        self,
        *,
        symptom: str,
        workaround: str,
        category_id: uuid.UUID | None = None,
        source_incident_id: uuid.UUID | None = None,
    ) -> KnownError:
        clean_symptom = clean_text(symptom, field="symptom", label="The symptom", max_len=500, required=True)
        clean_workaround = clean_text(
            workaround, field="workaround", label="The workaround", max_len=DESCRIPTION_MAX, required=True
        )
        with self._write() as scope:
            if category_id is not None and scope.session.get(Category, category_id) is None:
                raise NotFoundError("That category no longer exists.", field="category")
            if source_incident_id is not None and scope.session.get(Incident, source_incident_id) is None:
                raise NotFoundError("That incident no longer exists.")
            entry = KnowledgeEntry(
                id=scope.env.ids(),
                category_id=category_id,
                symptom=clean_symptom or "",
                workaround=clean_workaround or "",
                source_incident_id=source_incident_id,
                created_by_id=scope.actor_id,
                created_at=scope.now,
            )
            scope.session.add(entry)
            payload = {
                "category_id": category_id,
                "symptom": entry.symptom,
                "workaround": entry.workaround,
                "source_incident_id": source_incident_id,
            }
            scope.enqueue("save_knowledge", entry.id, payload)
            scope.changed("knowledge", entry.id, "created")
            scope.session.flush()
            return _known(entry, None)

    def search(self, text: str | None, *, category_id: uuid.UUID | None = None, limit: int = 5) -> list[KnownError]:
        """Entries whose symptom or workaround share words with ``text``; the category's own first."""
        terms = search_terms(text)
        with self._read() as session:
            query = (
                select(KnowledgeEntry, Category.path)
                .outerjoin(Category, Category.id == KnowledgeEntry.category_id)
                .order_by(KnowledgeEntry.created_at.desc())
                .limit(CANDIDATES)
            )
            if category_id is not None and not terms:
                query = query.where(or_(KnowledgeEntry.category_id == category_id))
            rows = session.execute(query).all()
        found = []
        for entry, path in rows:
            score = overlap_score(terms, entry.symptom, entry.workaround) if terms else 0.0
            same = category_id is not None and entry.category_id == category_id
            if score > 0 or (same and not terms):
                found.append((same, score, _known(entry, path, score)))
        found.sort(key=lambda item: (item[0], item[1], item[2].created_at), reverse=True)
        return [known for _, _, known in found[:limit]]


def _known(entry: KnowledgeEntry, path: str | None, score: float = 0.0) -> KnownError:
    return KnownError(
        entry.id, path, entry.symptom, entry.workaround, entry.source_incident_id, entry.created_at, score
    )
