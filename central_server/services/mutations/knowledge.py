"""save_knowledge: a known error / knowledge entry, shared with every user. Append-only: an entry is
never edited, so it never conflicts; a replay finds it and changes nothing."""

from __future__ import annotations

from typing import Any

from central_server.domain.errors import InvalidValueError
from central_server.domain.incident_fields import (
    LONG_TEXT_MAX,
    REASON_MAX,
    optional_uuid,
    parse_fields,
    text,
    to_wire,
)
from central_server.models import Category, Incident, KnowledgeEntry
from central_server.services.mutations.scope import Applied, MutationScope, require_payload_keys

KNOWLEDGE_PAYLOAD = {
    "category_id": optional_uuid,
    "symptom": text(REASON_MAX, required=True),
    "workaround": text(LONG_TEXT_MAX, required=True),
    "source_incident_id": optional_uuid,
}


def save_knowledge(scope: MutationScope) -> Applied:
    payload = scope.mutation.payload
    require_payload_keys(payload, "symptom", "workaround")
    values = parse_fields(payload, KNOWLEDGE_PAYLOAD, what="save_knowledge")
    entry_id = scope.mutation.entity_id
    if scope.session.get(KnowledgeEntry, entry_id) is not None:
        return Applied(note="The knowledge entry was already saved.")
    category_id = values.get("category_id")
    if category_id is not None and scope.session.get(Category, category_id) is None:
        raise InvalidValueError(f"Category {category_id} is not on the server.")
    source = values.get("source_incident_id")
    if source is not None and scope.session.get(Incident, source) is None:
        source = None  # the incident is gone; the knowledge stays useful without it
    scope.session.add(
        KnowledgeEntry(
            id=entry_id,
            category_id=category_id,
            symptom=values["symptom"],
            workaround=values["workaround"],
            source_incident_id=source,
            created_by_id=scope.actor.id,
            created_at=scope.effective_time,
        )
    )
    scope.unit.changed("knowledge", entry_id)
    return Applied()


def knowledge_data(entry: KnowledgeEntry) -> dict[str, Any]:
    """The wire form of an entry (pull and bootstrap)."""
    names = ("id", "category_id", "symptom", "workaround", "source_incident_id", "created_by_id", "created_at")
    return {name: to_wire(getattr(entry, name)) for name in names}
