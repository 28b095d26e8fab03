"""How far the server got with each message to a reporter (``message`` changes) into the local
communication log: queued, sent, or failed with the reason. A message another client sent shows up too
(route ``server``); one on an incident not held here is skipped. The server decides the state alone, so
these rows never conflict."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from desktop_app.models import Incident, Note, OutgoingMessage
from desktop_app.sync.wire import column_value, require_uuid
from sync_protocol.schemas import Change, MutationResult

STATES = ("queued", "sent", "failed")


def apply_messages(applier: Any, changes: list[Change]) -> None:
    session = applier.session
    table = OutgoingMessage.__table__
    latest = {change.entity_id: change for change in changes}  # counter order: the last word wins
    applier.applied += len(changes)
    for change in latest.values():
        if change.op != "upsert" or change.data is None:
            continue  # no longer visible to this user: the local log keeps what it knew
        data = change.data
        state = str(data.get("state") or "queued")
        if state not in STATES:
            continue
        values = {
            "state": state,
            "attempts": int(data.get("attempts") or 0),
            "last_error": data.get("last_error"),
            "sent_at": column_value(table, "sent_at", data.get("sent_at")),
        }
        row = session.get(OutgoingMessage, require_uuid(data))
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)
            continue
        incident_id = column_value(table, "incident_id", data.get("incident_id"))
        if incident_id is None or session.get(Incident, incident_id) is None:
            continue
        session.add(
            OutgoingMessage(
                id=require_uuid(data),
                incident_id=incident_id,
                note_id=column_value(table, "note_id", data.get("note_id")),
                route="server",
                to_address=str(data.get("to_address") or ""),
                subject=str(data.get("subject") or ""),
                body=str(data.get("body") or ""),
                template_name=None,
                created_at=column_value(table, "created_at", data.get("created_at")) or applier.now,
                **values,
            )
        )


def settle_message_result(session: Session, payload: dict[str, Any], result: MutationResult) -> None:
    """A refused ``send_message`` (the incident was closed, or moved out of sight): the message is failed with
    the server's reason in the log, and the note it would have written goes (nothing was sent)."""
    if result.outcome != "rejected":
        return
    message = session.get(OutgoingMessage, uuid.UUID(str(payload.get("message_id"))))
    if message is not None:
        message.state = "failed"
        message.last_error = (result.reason or result.code or "refused by the server")[:500]
    if payload.get("note_id"):
        session.execute(delete(Note).where(Note.id == uuid.UUID(str(payload["note_id"]))))
