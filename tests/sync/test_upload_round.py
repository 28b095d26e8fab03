"""Which outbox entries a push holds back for their attachment bytes (desktop_app/sync/blobs.py)."""

from __future__ import annotations

import uuid

from desktop_app.models import OutboxEntry
from desktop_app.sync.blobs import UploadRound

UP, GONE, LATE = "a" * 64, "b" * 64, "c" * 64


def entry(name: str, sha256: object = None) -> OutboxEntry:
    return OutboxEntry(id=uuid.uuid4(), name=name, payload={} if sha256 is None else {"sha256": sha256})


def test_only_an_attach_file_whose_bytes_are_not_up_is_held() -> None:
    uploads = UploadRound(ready={UP}, given_up={GONE: "The file is no longer here."})
    late = entry("attach_file", LATE)
    assert uploads.hold(late) is True
    assert uploads.hold(entry("attach_file", UP)) is False  # on the server already
    assert uploads.hold(entry("attach_file", GONE)) is False  # cannot be uploaded: it goes without its bytes
    assert uploads.hold(entry("add_note")) is False
    assert uploads.hold(entry("attach_file", "not-a-hash")) is False  # the server refuses it; nothing to wait for
    assert uploads.held == {late.id}
