"""attach_file and remove_attachment: append-only, never in conflict; a removal is a tombstone.

Who may: as for notes (``load_incident(..., involved_may=True)``), and not on a closed or canceled
incident. An attachment whose bytes the server does not hold yet (or whose creator has not uploaded
them) is accepted with ``bytes_ready`` False: a push is never refused only because the bytes are late.
"""

from __future__ import annotations

from typing import Any

from central_server.domain.errors import InvalidValueError, NotFoundError
from central_server.domain.incident_fields import (
    optional_timestamp,
    optional_uuid,
    parse_fields,
    text,
)
from central_server.models import Attachment, Blob
from central_server.services.blob_storage import SHA256
from central_server.services.blobs import is_holder
from central_server.services.mutations.scope import (
    Applied,
    MutationScope,
    load_incident,
    require_payload_keys,
)

DISPLAY_NAME_MAX = 255
MIME_TYPE_MAX = 100
CAPTION_MAX = 2_000


def _sha256(name: str, raw: Any) -> str:
    if not isinstance(raw, str) or not SHA256.fullmatch(raw):
        raise InvalidValueError(f"{name} must be a lower-case sha256 hex digest.")
    return raw


def _display_name(name: str, raw: Any) -> str:
    value = text(DISPLAY_NAME_MAX, required=True)(name, raw)
    assert isinstance(value, str)
    if any(ch in value for ch in "/\\\n\r\t") or value.strip() in (".", ".."):
        raise InvalidValueError(f"{name} {value!r} may not hold path separators or line breaks.")
    return value


def _size(name: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise InvalidValueError(f"{name} must be a positive number of bytes, not {raw!r}.")
    return raw


ATTACH_PAYLOAD = {
    "attachment_id": optional_uuid,
    "incident_id": optional_uuid,
    "sha256": _sha256,
    "display_name": _display_name,
    "mime_type": text(MIME_TYPE_MAX, required=True),
    "size": _size,
    "caption": text(CAPTION_MAX),
    "created_at": optional_timestamp,
}


def attach_file(scope: MutationScope) -> Applied:
    incident = load_incident(scope, writable=True, involved_may=True)
    payload = scope.mutation.payload
    require_payload_keys(payload, "attachment_id", "sha256", "display_name", "mime_type", "size")
    values = parse_fields(payload, ATTACH_PAYLOAD, what="attach_file")
    attachment_id = values["attachment_id"]
    if attachment_id is None:
        raise InvalidValueError("attach_file needs an attachment_id.")
    if values.get("incident_id") not in (None, incident.id):
        raise InvalidValueError("attach_file names another incident in its payload than the one it is for.")
    existing = scope.session.get(Attachment, attachment_id)
    if existing is not None:
        if existing.incident_id != incident.id:
            raise InvalidValueError(f"Attachment {attachment_id} already belongs to another incident.")
        return Applied(note="The file was already attached.")
    sha256 = values["sha256"]
    blob = scope.session.get(Blob, sha256)
    ready = blob is not None and is_holder(scope.session, scope.actor.id, sha256)
    attachment = Attachment(
        id=attachment_id,
        incident_id=incident.id,
        sha256=sha256,
        display_name=values["display_name"],
        mime_type=values["mime_type"],
        size=blob.size if ready and blob is not None else values["size"],
        caption=values.get("caption") or None,
        created_by=scope.actor.id,
        created_at=scope.effective_time,
        bytes_ready=ready,
    )
    scope.session.add(attachment)
    incident.updated_at = scope.now  # like a note: moves the queue's time, not the field version
    scope.unit.changed("attachment", attachment.id)
    scope.unit.changed("incident", incident.id)
    return Applied(note=None if ready else "Attached; the server is waiting for the file's bytes.")


def remove_attachment(scope: MutationScope) -> Applied:
    incident = load_incident(scope, writable=True, involved_may=True)
    payload = scope.mutation.payload
    require_payload_keys(payload, "attachment_id")
    attachment_id = parse_fields(payload, {"attachment_id": optional_uuid}, what="remove_attachment")["attachment_id"]
    attachment = scope.session.get(Attachment, attachment_id) if attachment_id else None
    if attachment is None:
        raise NotFoundError(f"There is no attachment {attachment_id} on the server.")
    if attachment.incident_id != incident.id:
        raise InvalidValueError(f"Attachment {attachment_id} belongs to another incident.")
    if attachment.removed_at is not None:
        return Applied(note="The attachment was already removed.")
    attachment.removed_at = scope.effective_time
    attachment.removed_by = scope.actor.id
    incident.updated_at = scope.now
    scope.unit.changed("attachment", attachment.id)
    scope.unit.changed("incident", incident.id)
    return Applied()
