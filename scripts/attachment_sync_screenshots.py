"""Grab the attachment strip of a client that pulled attachments from a real server, to PNGs.

Run under a real X server:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/attachment_sync_screenshots.py OUT_DIR``.

Starts ``helpdesk-server`` on SQLite in a temp dir; Alice attaches a photo and a screenshot to an
incident and syncs; Bob syncs (rows only) and attaches one of his own. Saves: Bob's strip with the files
"on the server" and his own "uploading 40 %" (``attachment_sync_strip.png``), then the same strip after
opening the photo downloaded it (``attachment_sync_downloaded.png``) and its preview (``attachment_sync_preview.png``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import keyring
import keyring.backends.fail
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from desktop_app.context import open_context  # noqa: E402
from desktop_app.domain.dtos import IncidentDraft  # noqa: E402
from desktop_app.sync.dtos import SyncProgress  # noqa: E402
from desktop_app.views.attachments.blob_transfer import show_upload  # noqa: E402
from desktop_app.views.change_bus import ChangeBus  # noqa: E402
from desktop_app.views.main_window import MainWindow  # noqa: E402
from desktop_app.views.resources import stylesheet  # noqa: E402
from desktop_app.views.tasks import SyncTaskRunner  # noqa: E402
from tests.support import images  # noqa: E402
from tests.sync.e2e_support import PASSWORD, RunningServer, free_port, process_env  # noqa: E402


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def main() -> int:
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    keyring.set_keyring(keyring.backends.fail.Keyring())  # never the keyring of the machine running this
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    with tempfile.TemporaryDirectory(prefix="helpdesk-sync-shots-") as scratch:
        root = Path(scratch)
        (root / "server").mkdir()
        server = RunningServer(root / "server", free_port(), process_env())
        server.add_user("alice", "technician")
        server.add_user("bob", "supervisor")
        server.start()
        try:
            alice, bob = open_context(root / "alice"), open_context(root / "bob")
            for context, name in ((alice, "alice"), (bob, "bob")):
                context.sync.login(server.url, name, PASSWORD)
                context.sync.sync_once()
            incident = alice.incidents.create(
                IncidentDraft(description="Printer on floor 3 prints blank pages", title="Blank pages")
            ).value
            alice.attachments.add(incident.id, images.jpeg_with_exif(640, 480), "printer-tray.jpg")
            alice.attachments.add(incident.id, images.png_bytes(800, 500, seed=4), "print-queue.png")
            alice.sync.sync_once()
            bob.sync.sync_once()
            own = bob.attachments.add(incident.id, images.png_bytes(640, 400, seed=9), "driver-settings.png")

            window = MainWindow(bob, SyncTaskRunner(), ChangeBus())
            window.resize(1500, 900)
            window.show()
            window.show_detail(bob.incidents.get(incident.id))
            settle(app, 500)
            strip = window.detail.attachments
            show_upload(strip, SyncProgress("upload", 40, 100, item=own.sha256, label=own.display_name))
            settle(app, 300)
            window.grab().save(str(out_dir / "attachment_sync_strip.png"))

            show_upload(strip, SyncProgress("upload", 100, 100, item=own.sha256, label=own.display_name))
            photo = next(i for i in bob.attachments.list_for(incident.id) if i.display_name == "printer-tray.jpg")
            strip.opener.preview(photo)  # downloads it first; the strip then shows its thumbnail
            settle(app, 800)
            strip.opener.preview_dialog.grab().save(str(out_dir / "attachment_sync_preview.png"))
            strip.opener.preview_dialog.close()
            settle(app, 300)
            window.grab().save(str(out_dir / "attachment_sync_downloaded.png"))
            window.close()
            alice.close()
            bob.close()
        finally:
            server.stop()
    print(f"screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
