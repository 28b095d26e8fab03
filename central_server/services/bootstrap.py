"""GET /sync/bootstrap: the caller's view of current state, in pages, then pull from the first page's cursor.

The cursor is taken before the first page is read, so anything that changes while the pages are
fetched comes again through pull: the client swaps the pages in at once and then catches up.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, defer

from central_server.context import ServerContext
from central_server.domain.permissions import Actor
from central_server.models import (
    Attachment,
    AuditEvent,
    Category,
    Conflict,
    Group,
    Incident,
    KnowledgeEntry,
    Note,
    Reporter,
    User,
)
from central_server.services.errors import RequestRefusedError
from central_server.services.mutations.knowledge import knowledge_data
from central_server.services.serialize import (
    attachment_data,
    audit_data,
    category_data,
    conflict_record,
    groups_data,
    incident_data,
    note_data,
    reporter_data,
    users_data,
)
from central_server.services.transaction import current_counter, read_session
from central_server.services.visibility import visible_incidents
from sync_protocol.schemas import BootstrapPage
from sync_protocol.schemas import Change as WireChange

# Directory first, so that every reference an incident holds arrives before it.
KINDS = ("user", "group", "category", "reporter", "incident", "note", "audit", "attachment", "knowledge", "conflict")


@dataclass(frozen=True)
class PageToken:
    cursor: int
    kind: int
    after: uuid.UUID | None

    def encode(self) -> str:
        raw = json.dumps({"c": self.cursor, "k": self.kind, "a": str(self.after) if self.after else None})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> PageToken:
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            return cls(int(raw["c"]), int(raw["k"]), uuid.UUID(raw["a"]) if raw["a"] else None)
        except (binascii.Error, ValueError, KeyError, TypeError) as exc:
            raise RequestRefusedError(422, "validation_error", "The page token is not one this server gave.") from exc


def bootstrap_page(ctx: ServerContext, actor: Actor, page: str | None, limit: int) -> BootstrapPage:
    with read_session(ctx) as session:
        token = PageToken.decode(page) if page else PageToken(current_counter(session), 0, None)
        entities: list[WireChange] = []
        kind, after = token.kind, token.after
        while kind < len(KINDS) and len(entities) < limit:
            wanted = limit - len(entities)
            rows = _page_of(session, actor, KINDS[kind], after, wanted)
            entities.extend(
                WireChange(counter=token.cursor, entity=KINDS[kind], entity_id=entity_id, op="upsert", data=data)  # type: ignore[arg-type]
                for entity_id, data in rows
            )
            if len(rows) < wanted:
                kind, after = kind + 1, None
            else:
                after = rows[-1][0]
        next_page = PageToken(token.cursor, kind, after).encode() if kind < len(KINDS) else None
    return BootstrapPage(cursor=token.cursor, entities=entities, next_page=next_page)


def _keyset(query: Select[Any], model: Any, after: uuid.UUID | None, limit: int) -> Select[Any]:
    if after is not None:
        query = query.where(model.id > after)
    return query.order_by(model.id).limit(limit)


def _page_of(
    session: Session, actor: Actor, kind: str, after: uuid.UUID | None, limit: int
) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    if kind == "user":
        users = list(session.scalars(_keyset(select(User), User, after, limit)))
        return list(users_data(session, users).items())
    if kind == "group":
        groups = list(session.scalars(_keyset(select(Group), Group, after, limit)))
        return list(groups_data(session, groups).items())
    if kind == "category":
        return [(c.id, category_data(c)) for c in session.scalars(_keyset(select(Category), Category, after, limit))]
    if kind == "reporter":
        return [(r.id, reporter_data(r)) for r in session.scalars(_keyset(select(Reporter), Reporter, after, limit))]
    if kind == "incident":
        query = select(Incident).where(visible_incidents(actor)).options(defer(Incident.field_stamps))
        return [(i.id, incident_data(i)) for i in session.scalars(_keyset(query, Incident, after, limit))]
    if kind == "note":
        query = select(Note).join(Incident, Note.incident_id == Incident.id).where(visible_incidents(actor))
        return [(n.id, note_data(n)) for n in session.scalars(_keyset(query, Note, after, limit))]
    if kind == "audit":
        query = select(AuditEvent).join(Incident, AuditEvent.incident_id == Incident.id).where(visible_incidents(actor))
        return [(e.id, audit_data(e)) for e in session.scalars(_keyset(query, AuditEvent, after, limit))]
    if kind == "attachment":
        query = select(Attachment).join(Incident, Attachment.incident_id == Incident.id).where(visible_incidents(actor))
        return [(a.id, attachment_data(a)) for a in session.scalars(_keyset(query, Attachment, after, limit))]
    if kind == "knowledge":
        rows = session.scalars(_keyset(select(KnowledgeEntry), KnowledgeEntry, after, limit))
        return [(k.id, knowledge_data(k)) for k in rows]
    query = select(Conflict).where(Conflict.user_id == actor.id, Conflict.resolved_at.is_(None))
    rows = session.scalars(_keyset(query, Conflict, after, limit))
    return [(c.id, conflict_record(c).model_dump(mode="json")) for c in rows]
