"""Attachment rows from the server and answers to attach_file / remove_attachment (sync/attachment_apply.py).

No server here: changes and answers are built as the server sends them (tests/sync/conftest.py);
the wire itself is tested end to end in tests/e2e/test_attachments.py.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from desktop_app.context import AppContext
from desktop_app.domain.ids import new_id
from desktop_app.models import Attachment
from tests.support.builders import make_incident
from tests.support.database import max_seq
from tests.support.images import png_bytes
from tests.sync.conftest import answer, change, pull


def _row(context: AppContext, attachment_id: uuid.UUID) -> Attachment | None:
    with context.sync.store.read() as session:
        return session.get(Attachment, attachment_id)


def _server_attachment(incident_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    data = png_bytes(seed=3)
    return {
        "id": str(new_id()),
        "incident_id": str(incident_id),
        "sha256": hashlib.sha256(data).hexdigest(),
        "display_name": "from-the-server.png",
        "mime_type": "image/png",
        "size": len(data),
        "caption": "Seen on site",
        "created_by": str(new_id()),  # someone this client has never heard of
        "created_at": "2026-03-02T09:00:00+00:00",
        "removed_at": None,
        "removed_by": None,
        "bytes_ready": True,
    } | changes


def test_a_pulled_attachment_is_stored_with_a_placeholder_creator_and_no_outbox_entry(connected: AppContext) -> None:
    incident = make_incident(connected)
    answer(connected)
    data = _server_attachment(incident.id)
    seq = max_seq(connected)

    pull(connected, change("attachment", data))

    [info] = connected.attachments.list_for(incident.id)
    assert (info.display_name, info.caption, info.created_by_name) == (
        "from-the-server.png",
        "Seen on site",
        "Unknown user",
    )
    assert connected.attachments.blob_path(info.id) is None  # the bytes come when someone opens it
    assert max_seq(connected) == seq
    pull(connected, change("attachment", data | {"removed_at": "2026-03-02T10:00:00+00:00"}))
    assert connected.attachments.list_for(incident.id) == []
    pull(connected, change("attachment", None, op="delete", entity_id=data["id"]))  # the incident left our view
    assert _row(connected, uuid.UUID(data["id"])) is None


def test_attachments_of_an_incident_this_client_does_not_hold_or_without_a_hash_are_skipped(
    connected: AppContext,
) -> None:
    elsewhere = _server_attachment(new_id())
    incident = make_incident(connected)
    answer(connected)
    broken = _server_attachment(incident.id, sha256="../../etc/passwd")
    warnings = pull(connected, change("attachment", elsewhere), change("attachment", broken))
    assert _row(connected, uuid.UUID(elsewhere["id"])) is None
    assert _row(connected, uuid.UUID(broken["id"])) is None
    assert any("without a valid file hash" in warning for warning in warnings)


def test_pending_local_attachment_work_outlives_the_servers_word_until_answered(connected: AppContext) -> None:
    incident = make_incident(connected)
    answer(connected)
    mine = connected.attachments.add(incident.id, png_bytes(seed=4), "mine.png")
    pull(connected, change("attachment", None, op="delete", entity_id=str(mine.id)))
    assert _row(connected, mine.id) is not None  # its attach_file is still on its way

    answer(connected)
    connected.attachments.remove(mine.id)
    server_copy = _server_attachment(incident.id, id=str(mine.id), display_name="mine.png")
    pull(connected, change("attachment", server_copy))
    assert connected.attachments.list_for(incident.id) == []  # our removal is still on its way

    answer(connected, outcome="rejected", code="permission_denied", reason="not yours")
    assert [info.display_name for info in connected.attachments.list_for(incident.id)] == ["mine.png"]


def test_a_refused_attach_file_takes_the_local_row_away(connected: AppContext) -> None:
    incident = make_incident(connected)
    answer(connected)
    refused = connected.attachments.add(incident.id, png_bytes(seed=5), "refused.png")
    answer(connected, outcome="rejected", code="validation_error", reason="read-only")
    assert _row(connected, refused.id) is None
    assert connected.attachments.blobs.has(refused.sha256)  # the bytes stay: a resend may need them


def test_a_name_from_the_server_cannot_reach_outside_a_folder(connected: AppContext) -> None:
    incident = make_incident(connected)
    answer(connected)
    names = ("../../.bashrc", "C:\\Windows\\evil.png", "tab\there.png", "..")
    pull(connected, *(change("attachment", _server_attachment(incident.id, display_name=name)) for name in names))
    stored = sorted(info.display_name for info in connected.attachments.list_for(incident.id))
    assert stored == [".._.._.bashrc", "C:_Windows_evil.png", "attachment", "tab_here.png"]
