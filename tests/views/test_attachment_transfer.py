"""The attachment byte channel in the GUI: upload progress under the thumbnail, download before opening.

The download itself (ranged, resumable, verified, against a real server) is tested end to end in
tests/e2e/test_attachments.py; here ``fetch`` stands where ``SyncEngine.download_blob`` is in the app and
leaves the file where the real one does (the client's blob store).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.sync.dtos import SyncProgress
from desktop_app.views.attachments.attachment_strip import AttachmentStrip
from desktop_app.views.attachments.blob_transfer import show_upload
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.tasks import SyncTaskRunner
from tests.support import images
from tests.support.builders import make_incident


@pytest.fixture
def strip(qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, bus: ChangeBus) -> AttachmentStrip:
    widget = AttachmentStrip()
    qtbot.addWidget(widget)
    widget.bind(context.attachments, runner, bus)
    widget.show_incident(make_incident(context).id)
    widget.show()
    return widget


def texts(strip: AttachmentStrip) -> list[str]:
    return [strip.list.item(row).text() for row in range(strip.list.count())]


def test_opening_a_file_that_is_only_on_the_server_downloads_it_first(
    qtbot: QtBot, context: AppContext, strip: AttachmentStrip
) -> None:
    data = images.png_bytes(seed=5)
    info = context.attachments.add(strip.incident_id, data, "from-the-field.png")
    blob = context.attachments.blobs.path_for(info.sha256)
    blob.unlink()  # as on a client that pulled the row from the server but not the bytes
    strip.reload()
    assert "on the server" in texts(strip)[0]
    fetched: list[tuple[str, str]] = []

    def fetch(sha256: str, label: str, progress: Callable[[SyncProgress], None]) -> Path:
        fetched.append((sha256, label))
        progress(SyncProgress("download", len(data) // 2, len(data), sha256, label))
        context.attachments.blobs.put_bytes(data)
        return context.attachments.blobs.path_for(sha256)

    strip.opener.set_fetch(fetch)
    told: list[str] = []
    strip.opener.message.connect(told.append)
    with qtbot.waitSignal(strip.opener.downloaded) as downloaded:
        strip.opener.preview(info)
    qtbot.waitUntil(lambda: strip.opener.preview_dialog is not None)
    assert (fetched, downloaded.args) == ([(info.sha256, "from-the-field.png")], [info.sha256])
    assert told == [
        "Downloading from-the-field.png…",
        "Downloading from-the-field.png… 50%",
        "Downloaded from-the-field.png.",
    ]
    assert blob.read_bytes() == data
    strip.opener.preview_dialog.close()


def test_without_a_server_connection_the_user_is_told_to_sync(
    qtbot: QtBot, context: AppContext, strip: AttachmentStrip
) -> None:
    info = context.attachments.add(strip.incident_id, images.png_bytes(seed=6), "elsewhere.png")
    context.attachments.blobs.path_for(info.sha256).unlink()
    with qtbot.waitSignal(strip.opener.message) as told:
        strip.opener.preview(info)
    assert told.args == ["elsewhere.png is on the server and not downloaded yet; sync, then try again."]


def test_upload_progress_shows_under_every_thumbnail_of_that_file(context: AppContext, strip: AttachmentStrip) -> None:
    data = images.png_bytes(seed=7)
    first = context.attachments.add(strip.incident_id, data, "shot.png")
    context.attachments.add(strip.incident_id, data, "same-shot.png")
    context.attachments.add(strip.incident_id, images.png_bytes(seed=8), "other.png")
    strip.reload()
    show_upload(strip, SyncProgress("upload", 400, 1000, item=first.sha256, label="shot.png"))
    uploading = sorted(text.split("\n")[0] for text in texts(strip) if "uploading 40 %" in text)
    assert uploading == ["same-shot.png", "shot.png"]
    show_upload(strip, SyncProgress("upload", 1000, 1000, item=first.sha256, label="shot.png"))
    show_upload(strip, SyncProgress("push", 3, None))
    assert not [text for text in texts(strip) if "uploading" in text]
