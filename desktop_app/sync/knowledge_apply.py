"""Known errors from the server into the local copy (``knowledge`` changes): an upsert by id.

The source incident may be one this user cannot see: the link is dropped here, the entry is kept.
Unknown categories and authors get placeholders like any other reference (DirectoryApplier).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from desktop_app.models import Incident, KnowledgeEntry
from desktop_app.sync.wire import column_value, require_uuid


def upsert_knowledge(applier: Any, data: dict[str, Any]) -> None:
    session: Session = applier.session
    table = KnowledgeEntry.__table__
    entry_id = require_uuid(data)
    source = column_value(table, "source_incident_id", data.get("source_incident_id"))
    values = {
        "category_id": column_value(table, "category_id", data.get("category_id")),
        "symptom": str(data.get("symptom") or ""),
        "workaround": str(data.get("workaround") or ""),
        "source_incident_id": source if source is not None and session.get(Incident, source) is not None else None,
        "created_by_id": column_value(table, "created_by_id", data.get("created_by_id")),
        "created_at": column_value(table, "created_at", data.get("created_at")) or applier.now,
    }
    entry = session.get(KnowledgeEntry, entry_id)
    if entry is None:
        session.add(KnowledgeEntry(id=entry_id, **values))
    else:
        for name, value in values.items():
            setattr(entry, name, value)
    applier.note_references(category=(values["category_id"],), agent=(values["created_by_id"],))
