"""send_message: a reply to the reporter, written as a visible communication note and queued in the
server's mail outbox, which sends it with the server's own SMTP settings (services/mail_outbox.py).

Append-only like any note: it never conflicts, and a replay (same note and message ids) adds nothing and
sends nothing twice. Whoever may see the incident (or worked on it) may write to its reporter; not on a
closed or canceled incident.
"""

from __future__ import annotations

from typing import Any

from central_server.domain.errors import InvalidValueError
from central_server.domain.incident_fields import (
    EMAIL_MAX,
    LONG_TEXT_MAX,
    optional_uuid,
    parse_fields,
    text,
    to_wire,
)
from central_server.models import OutboundMail
from central_server.services.mutations.scope import Applied, MutationScope, load_incident, require_payload_keys
from central_server.services.mutations.work_notes import add_work_note

SEND_PAYLOAD = {
    "note_id": optional_uuid,
    "message_id": optional_uuid,
    "to": text(EMAIL_MAX, required=True),
    "subject": text(300, required=True),
    "body": text(LONG_TEXT_MAX, required=True),
    "template_name": text(80),
}


def send_message(scope: MutationScope) -> Applied:
    incident = load_incident(scope, writable=True, involved_may=True)
    payload = scope.mutation.payload
    require_payload_keys(payload, "note_id", "message_id", "to", "subject", "body")
    values = parse_fields(payload, SEND_PAYLOAD, what="send_message")
    message_id, address = values["message_id"], values["to"]
    if message_id is None or "@" not in address:
        raise InvalidValueError("send_message needs a message_id and an email address.")
    body = f"Message to {address}: {values['subject']}\n\n{values['body']}"
    details = {"message_id": str(message_id), "to": address, "template": values.get("template_name")}
    add_work_note(
        scope, incident, values["note_id"], kind="communication", body=body, details=details, visibility="visible"
    )
    if scope.session.get(OutboundMail, message_id) is not None:
        return Applied(note="The message was already queued.")
    scope.session.add(
        OutboundMail(
            id=message_id,
            incident_id=incident.id,
            note_id=values["note_id"],
            to_address=address,
            subject=values["subject"],
            body=values["body"],
            created_by_id=scope.actor.id,
            state="queued",
            attempts=0,
            created_at=scope.now,
            next_attempt_at=scope.now,
        )
    )
    scope.unit.changed("message", message_id)
    return Applied()


def message_data(mail: OutboundMail) -> dict[str, Any]:
    """The wire form (pull): how far the server got with a message, for the clients' communication logs."""
    names = (
        "id", "incident_id", "note_id", "to_address", "subject", "body", "created_by_id",
        "state", "attempts", "last_error", "created_at", "sent_at",
    )  # fmt: skip
    return {name: to_wire(getattr(mail, name)) for name in names}
