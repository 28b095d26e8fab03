"""Grab the main window and the new-incident form to PNGs, as a person would see them.

Run under a real X server: ``scripts/xvfb-screenshot.sh .venv/bin/python scripts/screenshots.py OUT_DIR DATA_DIR``.
DATA_DIR should hold seeded data (``helpdesk-cli --data-dir DATA_DIR seed-demo ...``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import SyncTaskRunner


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def main() -> int:
    out_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    context = open_context(data_dir)
    window = MainWindow(context, SyncTaskRunner(), ChangeBus())
    window.resize(1500, 900)
    window.show()
    settle(app)
    window.queue.focus_table()
    QTest.keyClick(window.queue.table, Qt.Key.Key_J)
    settle(app)
    window.grab().save(str(out_dir / "main_window.png"))

    dialog = window.open_new_incident()
    settle(app)
    QTest.keyClicks(dialog.reporter, "smi")
    dialog.reporter.flush_query()
    settle(app)
    app.primaryScreen().grabWindow(0).save(str(out_dir / "new_incident_lookup.png"))
    QTest.keyClick(dialog.reporter, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.focusWidget(), "VPN disconnects every few minutes since this morning's update")
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.focusWidget(), "vpn")
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    QTest.keyClicks(dialog.focusWidget(), "2")
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.focusWidget(), "1")
    settle(app)
    dialog.grab().save(str(out_dir / "new_incident_form.png"))
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(app)
    dialog.grab().save(str(out_dir / "new_incident_saved.png"))
    dialog.accept()
    settle(app)
    window.grab().save(str(out_dir / "main_window_after.png"))
    context.close()
    print(f"screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
