"""Attachment rows from the server (pull and bootstrap), and what a push answer means for local ones.

Rows follow their incident like notes: an attachment of an incident this client does not hold is
skipped; a tombstone (the incident left this user's view) deletes the row unless this client's own
``attach_file`` for it is still pending. A pending ``remove_attachment`` keeps the local removal over
the server's row until it is answered. The bytes are not fetched here: see ``sync/blobs.py``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop_app.models import Attachment, Incident, OutboxEntry
from desktop_app.sync.blobs import SHA256
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.wire import column_value, require_uuid
from sync_protocol.schemas import Change, MutationResult

if TYPE_CHECKING:
    from desktop_app.sync.apply import ChangeApplier

ATTACHMENT_MUTATIONS = frozenset({"attach_file", "remove_attachment"})
_CHUNK = 500


def apply_attachments(applier: ChangeApplier, changes: list[Change]) -> None:
    session = applier.session
    latest = {change.entity_id: change for change in changes}  # counter order: the last word wins
    applier.applied += len(changes)
    upserts = {key: change.data for key, change in latest.items() if change.op == "upsert" and change.data}
    wanted = list({require_uuid(data, "incident_id") for data in upserts.values()})
    present = set(session.scalars(select(Incident.id).where(Incident.id.in_(wanted)))) if wanted else set()
    rows = {row.id: row for row in _load(session, list(latest))}
    removing = _pending_ids(session, "remove_attachment", list(upserts))
    table = Attachment.__table__
    for attachment_id, data in upserts.items():
        incident_id = require_uuid(data, "incident_id")
        if incident_id not in present:
            continue  # attachments follow their incident; this user does not have it
        if not SHA256.fullmatch(str(data.get("sha256") or "")):
            applier.warn(f"The server sent attachment {attachment_id} without a valid file hash; it is not shown.")
            continue
        values = {
            "incident_id": incident_id,
            "sha256": str(data.get("sha256") or ""),
            "display_name": safe_display_name(data.get("display_name")),
            "mime_type": str(data.get("mime_type") or "application/octet-stream")[:100],
            "size": int(data.get("size") or 0),
            "caption": data.get("caption"),
            "created_by": column_value(table, "created_by", data.get("created_by")),
            "created_at": column_value(table, "created_at", data.get("created_at")) or applier.now,
            "removed_at": column_value(table, "removed_at", data.get("removed_at")),
            "removed_by": column_value(table, "removed_by", data.get("removed_by")),
        }
        row = rows.get(attachment_id)
        if row is not None and attachment_id in removing and row.removed_at is not None:
            values["removed_at"], values["removed_by"] = row.removed_at, row.removed_by  # ours is still on its way
        if row is None:
            session.add(Attachment(id=attachment_id, **values))
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
        applier.note_references(agent=(values["created_by"],))
    gone = [key for key, change in latest.items() if change.op == "delete"]
    keep = _pending_ids(session, "attach_file", gone)
    doomed = [key for key in gone if key not in keep]
    for start in range(0, len(doomed), _CHUNK):
        session.execute(delete(Attachment).where(Attachment.id.in_(doomed[start : start + _CHUNK])))


def safe_display_name(raw: object) -> str:
    """The name as a file name of its own: it becomes one on "save as" and "open", whoever sent it."""
    text = "".join("_" if ch in "/\\" or ord(ch) < 32 or ord(ch) == 127 else ch for ch in str(raw or ""))
    text = text.strip()[:255]
    return "attachment" if text in ("", ".", "..") else text


def settle_attachment_result(session: Session, entry: OutboxEntry, result: MutationResult) -> None:
    """A refused attach_file takes its local row away (the blob file stays); a refused removal is undone."""
    if result.outcome != "rejected":
        return
    raw = entry.payload.get("attachment_id")
    if not raw:
        return
    attachment_id = uuid.UUID(str(raw))
    if entry.name == "attach_file":
        session.execute(delete(Attachment).where(Attachment.id == attachment_id))
    elif entry.name == "remove_attachment":
        row = session.get(Attachment, attachment_id)
        if row is not None:
            row.removed_at, row.removed_by = None, None


def _load(session: Session, ids: list[uuid.UUID]) -> list[Attachment]:
    rows: list[Attachment] = []
    for start in range(0, len(ids), _CHUNK):
        rows += session.scalars(select(Attachment).where(Attachment.id.in_(ids[start : start + _CHUNK]))).all()
    return rows


def _pending_ids(session: Session, name: str, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Of these attachment ids, those a still-pending ``name`` mutation of this client names."""
    if not ids:
        return set()
    named = session.scalars(
        select(func.json_extract(OutboxEntry.payload, "$.attachment_id")).where(
            OutboxEntry.state == OutboxState.PENDING, OutboxEntry.name == name
        )
    )
    pending = {str(value) for value in named if value}
    return {key for key in ids if str(key) in pending}
