"""GET /sync/pull: change rows after the cursor, oldest first, each with the entity's current state.

Visibility is decided now, per user: an incident (or its note or audit entry) the user may not see
goes out as a tombstone, which also covers losing visibility. Conflicts go only to their user.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, defer, load_only

from central_server.context import ServerContext
from central_server.domain.permissions import Actor
from central_server.models import (
    PRUNED_THROUGH_COUNTER,
    Attachment,
    AuditEvent,
    Category,
    Change,
    Conflict,
    Counter,
    Group,
    Incident,
    KnowledgeEntry,
    Note,
    OutboundMail,
    Reporter,
    User,
)
from central_server.services.errors import RequestRefusedError
from central_server.services.mutations.knowledge import knowledge_data
from central_server.services.mutations.send_message import message_data
from central_server.services.render_cache import CACHEABLE, RenderCache
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
from central_server.services.transaction import (
    current_counter,
    read_session,
    write_unit,
)
from central_server.services.visibility import incident_visible
from sync_protocol.schemas import Change as WireChange
from sync_protocol.schemas import PullResponse

# The per-field write stamps never go on the wire (and are the largest column to decode); a note's or
# audit entry's incident is needed for its visibility only.
WIRE_INCIDENT = defer(Incident.field_stamps)
VISIBILITY_ONLY = load_only(Incident.group_id, Incident.assignee_id, Incident.created_by_id)
REPUBLISHED = frozenset({"note", "audit", "attachment"})


def cursor_expired(detail: str) -> RequestRefusedError:
    return RequestRefusedError(410, "cursor_expired", f"{detail}; bootstrap again (keep the outbox).")


def pull(ctx: ServerContext, actor: Actor, cursor: int, limit: int) -> PullResponse:
    prune_changes(ctx)
    with read_session(ctx) as session:
        if cursor > current_counter(session):
            raise cursor_expired("The cursor is ahead of this server's change log")
        rows = list(
            session.scalars(select(Change).where(Change.counter > cursor).order_by(Change.counter).limit(limit + 1))
        )
        # Read after the rows: a prune that ran in between is seen here, never a silent hole.
        if cursor < current_counter(session, PRUNED_THROUGH_COUNTER):
            raise cursor_expired("The cursor is older than the retained change log")
        has_more = len(rows) > limit
        rows = rows[:limit]
        changes = render_changes(session, actor, rows, ctx.render_cache)
    return PullResponse(changes=changes, cursor=rows[-1].counter if rows else cursor, has_more=has_more)


def prune_changes(ctx: ServerContext) -> int:
    """Drop change rows older than the retention; cursors before the last dropped counter expire."""
    cutoff = ctx.clock() - ctx.settings.change_retention
    with read_session(ctx) as session:
        oldest = session.scalar(select(func.min(Change.created_at)))
    if oldest is None or oldest >= cutoff:
        return 0
    with write_unit(ctx, serialise=False) as unit:
        last = unit.session.scalar(select(func.max(Change.counter)).where(Change.created_at < cutoff))
        if last is None:
            return 0
        removed = unit.session.execute(delete(Change).where(Change.counter <= last)).rowcount
        unit.session.execute(
            update(Counter).where(Counter.name == PRUNED_THROUGH_COUNTER, Counter.value < last).values(value=last)
        )
        return int(removed or 0)


def render_changes(
    session: Session, actor: Actor, rows: list[Change], cache: RenderCache | None = None
) -> list[WireChange]:
    # A note or audit entry may have several rows (its own, and a reassignment republishing it, see
    # IncidentEditor); a page carries only its last one, since the data is its current state anyway and
    # older clients insert each note or audit upsert of a page as a new row.
    last = {(row.entity, row.entity_id): row.counter for row in rows if row.entity in REPUBLISHED}
    rows = [row for row in rows if last.get((row.entity, row.entity_id), row.counter) == row.counter]
    cached: dict[int, tuple[uuid.UUID, dict[str, Any]]] = {}
    ids: dict[str, list[uuid.UUID]] = defaultdict(list)
    for row in rows:
        hit = _cached(cache, row)
        if hit is not None:
            cached[row.counter] = hit
        else:
            ids[row.entity].append(row.entity_id)
    loaded = _load(session, actor, ids)
    seen = _visible_ids(session, actor, {incident_id for incident_id, _ in cached.values()})
    changes: list[WireChange] = []
    for row in rows:
        data: dict[str, Any] | None
        if row.counter in cached:
            incident_id, data = cached[row.counter]
            data = data if incident_id in seen else None
        elif row.entity == "conflict":
            data = loaded["conflict"].get(row.entity_id)
            if data is None:
                continue  # someone else's conflict: not even a tombstone
        else:
            data = loaded[row.entity].get(row.entity_id) if row.op == "upsert" else None
            if data is not None and cache is not None and row.entity in CACHEABLE:
                incident_id = row.entity_id if row.entity == "incident" else uuid.UUID(data["incident_id"])
                cache.put((row.entity, row.entity_id, row.counter), incident_id, data)
        changes.append(
            WireChange(
                counter=row.counter,
                entity=row.entity,  # type: ignore[arg-type]
                entity_id=row.entity_id,
                op="upsert" if data is not None else "delete",
                data=data,
            )
        )
    return changes


def _cached(cache: RenderCache | None, row: Change) -> tuple[uuid.UUID, dict[str, Any]] | None:
    if cache is None or row.op != "upsert" or row.entity not in CACHEABLE:
        return None
    return cache.get((row.entity, row.entity_id, row.counter))


def _visible_ids(session: Session, actor: Actor, incident_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these incidents the user may see now (a deleted one: none)."""
    ordered = list(incident_ids)
    visible: set[uuid.UUID] = set()
    for start in range(0, len(ordered), 500):
        query = select(Incident.id, Incident.group_id, Incident.assignee_id, Incident.created_by_id).where(
            Incident.id.in_(ordered[start : start + 500])
        )
        visible.update(row.id for row in session.execute(query) if incident_visible(actor, row))
    return visible


def _load(session: Session, actor: Actor, ids: dict[str, list[uuid.UUID]]) -> dict[str, dict[uuid.UUID, Any]]:
    """Current state of every entity named, None-free: a missing or invisible one becomes a tombstone."""
    out: dict[str, dict[uuid.UUID, Any]] = defaultdict(dict)
    incidents = {i.id: i for i in _by_ids(session, Incident, ids.get("incident", []), WIRE_INCIDENT)}
    notes = _by_ids(session, Note, ids.get("note", []))
    events = _by_ids(session, AuditEvent, ids.get("audit", []))
    attachments = _by_ids(session, Attachment, ids.get("attachment", []))
    parent_ids = [c.incident_id for c in (*notes, *events, *attachments) if c.incident_id not in incidents]
    parents = {i.id: i for i in _by_ids(session, Incident, parent_ids, VISIBILITY_ONLY)}

    def visible(incident_id: uuid.UUID) -> bool:
        incident = incidents.get(incident_id) or parents.get(incident_id)
        return incident is not None and incident_visible(actor, incident)

    out["incident"] = {i.id: incident_data(i) for i in incidents.values() if visible(i.id)}
    out["note"] = {n.id: note_data(n) for n in notes if visible(n.incident_id)}
    out["audit"] = {e.id: audit_data(e) for e in events if visible(e.incident_id)}
    out["attachment"] = {a.id: attachment_data(a) for a in attachments if visible(a.incident_id)}
    out["reporter"] = {r.id: reporter_data(r) for r in _by_ids(session, Reporter, ids.get("reporter", []))}
    out["category"] = {c.id: category_data(c) for c in _by_ids(session, Category, ids.get("category", []))}
    # Known errors are everyone's: no visibility check.
    out["knowledge"] = {k.id: knowledge_data(k) for k in _by_ids(session, KnowledgeEntry, ids.get("knowledge", []))}
    mails = _by_ids(session, OutboundMail, ids.get("message", []))
    readable = _visible_ids(session, actor, {m.incident_id for m in mails}) if mails else set()
    out["message"] = {m.id: message_data(m) for m in mails if m.incident_id in readable}
    out["group"] = groups_data(session, _by_ids(session, Group, ids.get("group", [])))
    out["user"] = users_data(session, _by_ids(session, User, ids.get("user", [])))
    out["conflict"] = {
        c.id: conflict_record(c).model_dump(mode="json")
        for c in _by_ids(session, Conflict, ids.get("conflict", []))
        if c.user_id == actor.id
    }
    return out


def _by_ids(session: Session, model: Any, ids: list[uuid.UUID], *options: Any) -> list[Any]:
    if not ids:
        return []
    unique = list(dict.fromkeys(ids))
    found: list[Any] = []
    for start in range(0, len(unique), 500):  # keep IN lists within every backend's parameter limit
        query = select(model).where(model.id.in_(unique[start : start + 500])).options(*options)
        found.extend(session.scalars(query))
    return found
