"""The attachment byte channel in the GUI: upload progress under each thumbnail, download on demand.

``install_blob_transfer(window, context, controller)``: the sync loop's progress (stage "upload", the
blob's sha256 in ``item``) shows as "uploading 40 %" under every thumbnail of that file in the strip;
opening, previewing or saving an attachment whose bytes are only on the server downloads them first
(``SyncEngine.download_blob``, on the network worker).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_app.context import AppContext
from desktop_app.domain.attachments import AttachmentInfo
from desktop_app.sync.dtos import SyncProgress


def install_blob_transfer(window: Any, context: AppContext, controller: Any) -> None:
    strip = getattr(getattr(window, "detail", None), "attachments", None)
    if strip is None:  # a window without the incident detail (some tests)
        return
    strip.opener.set_fetch(context.sync.download_blob)
    strip.opener.downloaded.connect(lambda _sha256: strip.reload())  # "on the server" becomes a thumbnail
    controller.progress_reported.connect(lambda progress: show_upload(strip, progress))


def show_upload(strip: Any, progress: SyncProgress) -> None:
    if progress.stage != "upload" or not progress.item or not progress.total:
        return
    for row in range(strip.list.count()):
        entry = strip.list.item(row).data(Qt.ItemDataRole.UserRole)
        if isinstance(entry, AttachmentInfo) and entry.sha256 == progress.item:
            strip.set_upload_progress(entry.id, progress.done, progress.total)
