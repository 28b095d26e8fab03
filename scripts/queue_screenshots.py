"""Grab the queue at scale to PNGs: a saved view with a category, and a search sorted by a column.

Run under a real X server:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/queue_screenshots.py OUT_DIR DATA_DIR``.
DATA_DIR should hold a large seeded data set (``benchmarks/queue.py --incidents 1000000`` leaves one).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.item_models.saved_views_model import BUILTIN_ENTRIES
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import SyncTaskRunner


def settle(app: QApplication, ms: int = 400) -> None:
    QTest.qWait(ms)
    app.processEvents()


def main() -> int:
    out_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    context = open_context(data_dir)
    context.sla.refresh_all_deadlines()  # as the minute's background check would have by now
    window = MainWindow(context, SyncTaskRunner(), ChangeBus())
    window.resize(1600, 1000)
    window.show()
    settle(app)
    navigator = window.queue_navigator
    breaching = next(entry for entry in BUILTIN_ENTRIES if entry.key == "breaching")
    navigator.open_view(breaching)
    network = context.categories.resolve_path("Network")
    navigator.set_category(network.id)
    window.queue.category_tree.expandAll()
    settle(app)
    window.queue.focus_table()
    QTest.keyClick(window.queue.table, Qt.Key.Key_J)
    settle(app, 800)
    window.grab().save(str(out_dir / "queue_million_breaching_network.png"))

    everything = next(entry for entry in BUILTIN_ENTRIES if entry.key == "all")
    navigator.open_view(everything)
    window.queue.search.setText("printer jam")
    navigator._apply_search()
    settle(app)
    window.queue_model.sort(1, Qt.SortOrder.AscendingOrder)  # click on Priority
    settle(app)
    window.queue.focus_table()
    QTest.keyClick(window.queue.table, Qt.Key.Key_J)
    settle(app, 800)
    window.grab().save(str(out_dir / "queue_million_search_sorted_by_priority.png"))
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
