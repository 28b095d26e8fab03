"""Screenshots of email import: a drop of many email files mid-import, and the quarantine list.

Run under a real X server:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/mail_screenshots.py OUT_DIR DATA_DIR``
(DATA_DIR seeded beforehand with ``helpdesk-cli --data-dir DATA_DIR seed-demo``, for a full queue).
The import runs on the real DB worker, so the dialog is grabbed while the progress bar moves.
"""

from __future__ import annotations

import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.mail.integration import MailUi
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import ThreadedTaskRunner

SUBJECTS = (
    "Printer on floor 3 offline",
    "VPN drops every few minutes",
    "Outlook crashes on start",
    "No sound in Teams",
)


def write_inbox(folder: Path, count: int = 60) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"{index:03d}-report.eml"
        if index % 29 == 7:
            path.write_bytes(b"\x00\x01 this is not an email")
        else:
            message = EmailMessage()
            message["From"] = f"Caller {index % 17} <caller{index % 17}@example.com>"
            message["Subject"] = SUBJECTS[index % len(SUBJECTS)] + f" ({index})"
            message["Date"] = "Mon, 23 Nov 2026 09:30:00 +0100"
            message["Message-ID"] = f"<shot-{index}@example.com>"
            if index % 5 == 4:
                message["In-Reply-To"] = f"<shot-{index - 4}@example.com>"
            message.set_content(f"Hello service desk,\n\nreport number {index}: it stopped working this morning.\n")
            if index % 23 == 11:
                message.add_attachment(
                    b"MZ" + bytes(64), maintype="application", subtype="x-msdownload", filename="fix.exe"
                )
            path.write_bytes(message.as_bytes())
        paths.append(path)
    return paths


def drop(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    point = window.queue.table.viewport().mapTo(window, QPoint(200, 200))
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(window, QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, modifiers))
    QApplication.sendEvent(window, QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, buttons, modifiers))


def main() -> int:
    out_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    context = open_context(data_dir)
    runner = ThreadedTaskRunner()
    window = MainWindow(context, runner, ChangeBus())
    window.resize(1500, 900)
    window.show()
    QTest.qWait(800)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_inbox(Path(tmp) / "inbox")
        drop(window, paths)
        dialog = window.findChild(MailUi).import_dialog
        deadline = time.monotonic() + 600  # a loaded machine imports slowly
        while dialog.bar.value() < len(paths) * 0.45 and time.monotonic() < deadline:
            QTest.qWait(20)
        app.primaryScreen().grabWindow(0).save(str(out_dir / "email_import_progress.png"))
        while dialog.is_running() and time.monotonic() < deadline:
            QTest.qWait(50)
        window.activateWindow()
        QTest.qWait(300)
        dialog.grab().save(str(out_dir / "email_import_done.png"))
        dialog.quarantine_button.click()
        quarantine = window.findChild(MailUi).quarantine_dialog
        while quarantine.table.rowCount() == 0 and time.monotonic() < deadline:
            QTest.qWait(50)  # the list loads on the DB worker, after whatever it is doing
        quarantine.raise_()
        QTest.qWait(300)
        app.primaryScreen().grabWindow(0).save(str(out_dir / "email_quarantine.png"))
    runner.shutdown()
    context.close()
    print(f"screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
