"""Applying the server's changes to the local copy, inside the caller's transaction, with no outbox entries.

Each change carries the entity's full current state, so an upsert by id is enough. Directory rows
the client also made on its own (same username, group name, category path or reporter e-mail) are
merged into the server's id. A reference to something this user cannot see gets a placeholder row,
so one unknown id can never wedge the sync on a foreign-key error.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from desktop_app.domain.ids import format_number
from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.models import AuditEvent, Incident, IncidentShadow, Note, OutboxEntry
from desktop_app.sync.attachment_apply import apply_attachments
from desktop_app.sync.directory_apply import DirectoryApplier
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.knowledge_apply import upsert_knowledge
from desktop_app.sync.message_apply import apply_messages
from desktop_app.sync.overlay import NOTE_MUTATIONS, clear_number_collisions, pending_touches
from desktop_app.sync.wire import REQUIRED_INCIDENT_FIELDS, column_value, incident_columns, require_uuid
from sync_protocol.schemas import Change

# Parents before children: a note needs its incident, an incident its directory rows.
ENTITY_ORDER = (
    "user", "group", "category", "reporter", "incident", "note", "audit", "attachment", "knowledge", "message",
    "conflict",
)  # fmt: skip


class ChangeApplier(DirectoryApplier):
    def __init__(self, session: Session, now: datetime) -> None:
        super().__init__(session, now)
        self.applied = 0
        self.server_incidents: set[uuid.UUID] = set()
        self.server_notes: set[uuid.UUID] = set()

    def apply(self, changes: Sequence[Change]) -> None:
        """Apply one page, entity kinds in dependency order, each kind in counter order."""
        by_entity: dict[str, list[Change]] = defaultdict(list)
        for change in sorted(changes, key=lambda c: c.counter):
            by_entity[change.entity].append(change)
        for entity in ENTITY_ORDER:
            batch = by_entity.pop(entity, [])
            if batch:
                self._apply_kind(entity, batch)
        for entity in by_entity:  # a kind this client does not know yet: skip, but say so
            self.warn(f"The server sent {entity!r} changes, which this version of the client does not use.")
        self.session.flush()

    def _apply_kind(self, entity: str, changes: list[Change]) -> None:
        # Incidents, notes and audit come by the thousand in a bootstrap: loaded and written per batch.
        batched = {
            "incident": self._apply_incidents,
            "note": self._apply_notes,
            "audit": self._apply_audit,
            "attachment": lambda batch: apply_attachments(self, batch),
            "message": lambda batch: apply_messages(self, batch),
        }
        if entity in batched:
            self.session.flush()
            with self.session.no_autoflush:
                batched[entity](changes)
            return
        handler = {
            "user": self.upsert_user,
            "group": self.upsert_group,
            "category": self.upsert_category,
            "reporter": self.upsert_reporter,
            "conflict": self.upsert_conflict,
            "knowledge": lambda data: upsert_knowledge(self, data),
        }[entity]
        for change in changes:
            if change.op == "delete":
                self._delete(entity, change.entity_id)
            else:
                handler(_data(change))
            self.applied += 1

    # --- incidents -----------------------------------------------------------------------

    def _apply_incidents(self, changes: list[Change]) -> None:
        latest: dict[uuid.UUID, Change] = {}
        for change in changes:  # counter order: the last word on each incident wins
            latest[change.entity_id] = change
        self.applied += len(changes)
        ids = list(latest)
        touches = pending_touches(self.session, ids)
        existing = {row.id: row for row in _load(self.session, Incident, Incident.id, ids)}
        shadows = {row.incident_id: row for row in _load(self.session, IncidentShadow, IncidentShadow.incident_id, ids)}
        upserts = {iid: _data(c) for iid, c in latest.items() if c.op == "upsert"}
        wanted_numbers = {
            iid: data["number"]
            for iid, data in upserts.items()
            if data.get("number") is not None and "number" not in touches.get(iid, set())
        }
        clear_number_collisions(self.session, wanted_numbers, self.now)
        new = NewIncidents()
        for iid, change in latest.items():
            if change.op == "delete":
                self._withdraw_incident(iid, existing.get(iid), iid in touches)
            else:
                self._upsert_incident(iid, upserts[iid], existing.get(iid), shadows.get(iid), touches.get(iid), new)
        new.insert(self.session)

    def _upsert_incident(
        self,
        incident_id: uuid.UUID,
        data: dict[str, Any],
        row: Incident | None,
        shadow: IncidentShadow | None,
        overlaid: set[str] | None,
        new: NewIncidents,
    ) -> None:
        values = incident_columns(data)
        self.server_incidents.add(incident_id)
        if shadow is None:
            new.shadows.append({"incident_id": incident_id, "version": values.get("version"), "data": data})
        else:
            shadow.data, shadow.version = data, values.get("version")
        if row is None:
            missing = [name for name in REQUIRED_INCIDENT_FIELDS if values.get(name) is None]
            if missing:
                raise ProtocolError(f"The server sent incident {incident_id} without {', '.join(missing)}.")
            new.incidents.append({"id": incident_id, **values})
        else:
            for name, value in values.items():
                if not overlaid or name not in overlaid:
                    setattr(row, name, value)
        self.note_references(
            agent=(values.get("assignee_id"), values.get("created_by_id")),
            group=(values.get("group_id"),),
            category=(values.get("category_id"),),
            reporter=(values.get("reporter_id"),),
        )
        if values.get("parent_id") is not None:
            self.parent_links.append((incident_id, values["parent_id"]))

    def _withdraw_incident(self, incident_id: uuid.UUID, row: Incident | None, has_pending: bool) -> None:
        """A tombstone: deleted on the server, or no longer visible to this user."""
        if row is None:
            return
        if has_pending:
            # Keep it until the server answers those changes (they will likely be refused and shown in
            # Errors); without a shadow it is removed once nothing is pending (overlay.settle_incident).
            self.session.execute(delete(IncidentShadow).where(IncidentShadow.incident_id == incident_id))
            self.warn(
                f"{format_number(row.number)} was withdrawn from you on the server (reassigned out of your "
                "groups, or deleted); it stays here until the server has answered your pending changes to it."
            )
            return
        self.session.delete(row)  # notes, audit events and the shadow go with it (ON DELETE CASCADE)

    # --- notes and audit -----------------------------------------------------------------

    def _apply_notes(self, changes: list[Change]) -> None:
        upserts = _latest_upserts(changes)
        present = self._present_incidents(upserts)
        notes = {n.id: n for n in _load(self.session, Note, Note.id, [require_uuid(d) for d in upserts])}
        table = Note.__table__
        for data in upserts:
            note_id, incident_id = require_uuid(data), require_uuid(data, "incident_id")
            self.server_notes.add(note_id)
            if incident_id not in present:
                continue  # notes follow their incident; this user does not have it
            values = {
                "incident_id": incident_id,
                "kind": data.get("kind") or "worklog",
                "body": data.get("body") or "",
                "author_id": column_value(table, "author_id", data.get("author_id")),
                "created_at": column_value(table, "created_at", data.get("created_at")) or self.now,
                # Worklog minutes and audience, an escalation's facts (issue 7); absent from older servers.
                "time_spent_minutes": column_value(table, "time_spent_minutes", data.get("time_spent_minutes")),
                "visibility": data.get("visibility"),
                "details": data.get("details"),
            }
            _upsert(self.session, Note, notes.get(note_id), note_id, values)
            self.note_references(agent=(values["author_id"],))
        self._deletes("note", changes)

    def _apply_audit(self, changes: list[Change]) -> None:
        upserts = _latest_upserts(changes)
        present = self._present_incidents(upserts)
        events = {e.id: e for e in _load(self.session, AuditEvent, AuditEvent.id, [require_uuid(d) for d in upserts])}
        table = AuditEvent.__table__
        ours = [column_value(table, "mutation_id", d.get("mutation_id")) for d in upserts if d.get("mutation_id")]
        if ours:
            # The server's record of our own mutations replaces the provisional one written here.
            incoming = list(events) + [require_uuid(d) for d in upserts]
            for start in range(0, len(ours), 400):
                self.session.execute(
                    delete(AuditEvent).where(
                        AuditEvent.mutation_id.in_(ours[start : start + 400]),
                        AuditEvent.server_time.is_(None),
                        AuditEvent.id.not_in(incoming),
                    )
                )
        for data in upserts:
            event_id, incident_id = require_uuid(data), require_uuid(data, "incident_id")
            if incident_id not in present:
                continue
            values = {
                "incident_id": incident_id,
                "field": str(data.get("field") or "?")[:60],
                "old_value": None if data.get("old_value") is None else str(data["old_value"]),
                "new_value": None if data.get("new_value") is None else str(data["new_value"]),
                "actor_id": column_value(table, "actor_id", data.get("actor_id")),
                "device_time": column_value(table, "device_time", data.get("device_time")) or self.now,
                "server_time": column_value(table, "server_time", data.get("server_time")) or self.now,
                "mutation_id": column_value(table, "mutation_id", data.get("mutation_id")),
            }
            _upsert(self.session, AuditEvent, events.get(event_id), event_id, values)
            self.note_references(agent=(values["actor_id"],))
        self._deletes("audit", changes)

    def _present_incidents(self, upserts: list[dict[str, Any]]) -> set[uuid.UUID]:
        wanted = list({require_uuid(d, "incident_id") for d in upserts})
        return set(self.session.scalars(select(Incident.id).where(Incident.id.in_(wanted)))) if wanted else set()

    def _deletes(self, entity: str, changes: list[Change]) -> None:
        latest = {change.entity_id: change for change in changes}  # counter order: the last word wins
        for change in latest.values():
            if change.op == "delete":
                self._delete(entity, change.entity_id)
        self.applied += len(changes)

    def _delete(self, entity: str, entity_id: uuid.UUID) -> None:
        if entity == "note":
            pending = self.session.scalar(
                select(func.count())
                .select_from(OutboxEntry)
                .where(
                    OutboxEntry.state == OutboxState.PENDING,
                    OutboxEntry.name.in_(NOTE_MUTATIONS),
                    func.json_extract(OutboxEntry.payload, "$.note_id") == str(entity_id),
                )
            )
            if not pending:
                self.session.execute(delete(Note).where(Note.id == entity_id))
        elif entity == "audit":
            self.session.execute(delete(AuditEvent).where(AuditEvent.id == entity_id))
        else:
            self.deactivate(entity, entity_id)


class NewIncidents:
    """Incidents (and shadows) not yet here, inserted with one executemany per chunk: building an ORM
    object per row was most of a 100,000-incident bootstrap. Foreign keys are checked at commit
    (SyncStore.write defers them), so placeholders made later in the transaction still count."""

    def __init__(self) -> None:
        self.incidents: list[dict[str, Any]] = []
        self.shadows: list[dict[str, Any]] = []

    def insert(self, session: Session) -> None:
        for model, rows in ((Incident, self.incidents), (IncidentShadow, self.shadows)):
            by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for row in rows:  # one executemany needs the same columns in every row
                by_keys[tuple(sorted(row))].append(row)
            for same in by_keys.values():
                session.execute(insert(model), same)
        self.incidents.clear()
        self.shadows.clear()


def _load(session: Session, model: type, key: Any, ids: list[uuid.UUID]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(ids), 900):
        rows += session.scalars(select(model).where(key.in_(ids[start : start + 900]))).all()
    return rows


def _upsert(session: Session, model: type, row: Any, row_id: uuid.UUID, values: dict[str, Any]) -> None:
    if row is None:
        session.add(model(id=row_id, **values))
        return
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _latest_upserts(changes: list[Change]) -> list[dict[str, Any]]:
    """The data of each upserted entity once, its last change in the page (a page may name one twice)."""
    latest = {change.entity_id: change for change in changes}
    return [_data(change) for change in latest.values() if change.op == "upsert"]


def _data(change: Change) -> dict[str, Any]:
    if change.data is None:
        raise ProtocolError(f"The server sent an upsert of {change.entity} {change.entity_id} without its data.")
    data = dict(change.data)
    data.setdefault("id", str(change.entity_id))
    return data
