"""Grab the bulk dialog's Resolve preview (some incidents refused, with why) to a PNG.

Run under a real X server: ``scripts/xvfb-screenshot.sh .venv/bin/python scripts/screenshot_bulk_resolve.py
OUT.png DATA_DIR``; DATA_DIR should hold seeded data (``helpdesk-cli --data-dir DATA_DIR seed-demo``).
The eight newest incidents of "All incidents" and the first four finished ones are selected.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.domain.enums import Status
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import SyncTaskRunner


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def main() -> int:
    out, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    window = MainWindow(open_context(data_dir), SyncTaskRunner(), ChangeBus())
    window.resize(1500, 900)
    window.show()
    settle(app)
    table, model = window.queue.table, window.queue_model
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    # The newest few (open work) and the first finished ones below them: some will be refused.
    loaded = [(r, model.summary_at(r)) for r in range(min(300, model.rowCount()))]
    finished = [r for r, summary in loaded if summary is not None and not summary.status.is_open]
    for row in [*range(min(8, model.rowCount())), *finished[:4]]:
        table.selectionModel().select(model.index(row, 0), flags)
    dialog = window.queue_navigator.open_bulk()
    if dialog is None:
        return 1
    dialog.kind.setCurrentIndex(dialog.kind.findData("status"))
    dialog.status.setCurrentIndex(dialog.status.findData(Status.RESOLVED.value))
    dialog.resolution_code.setCurrentIndex(dialog.resolution_code.findData("workaround_provided"))
    dialog.steps.setPlainText("Cleared the print queue and restarted the spooler service on the print server")
    dialog.preview_button.click()
    settle(app, 500)
    dialog.grab().save(str(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
