"""Grab the category pane's context menu and the Move to… dialog to PNGs (issue 4, category admin).

Run under a real X server:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/category_screenshots.py OUT_DIR DATA_DIR``.
DATA_DIR should hold seeded data (``helpdesk-cli --data-dir DATA_DIR seed-demo --incidents 2000``).
"""

from __future__ import annotations

import sys
from pathlib import Path

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
    window.resize(1400, 850)
    window.show()
    settle(app)
    admin = window.queue_navigator.category_admin  # type: ignore[attr-defined]
    tree, model = window.queue.category_tree, window.queue_navigator.categories
    wifi = context.categories.resolve_path("Network > Wi-Fi")
    if context.categories.admin_refusal() is None and "Facilities" in {n.path for n in context.categories.tree()}:
        context.categories.set_active(context.categories.resolve_path("Facilities").id, False)
        admin.reload_tree()
    admin.show_inactive.setChecked(True)
    tree.expandAll()
    settle(app)
    index = model.index_of(wifi.id)
    tree.scrollTo(index)
    tree.setCurrentIndex(index)
    settle(app)
    admin._on_tree_menu_requested(tree.visualRect(index).center())
    settle(app, 500)
    app.primaryScreen().grabWindow(0).save(str(out_dir / "category_tree_menu.png"))
    admin.menu.close()
    admin.move(next(n for n in model.nodes() if n.id == wifi.id))
    admin.dialog.filter.setText("hard")
    settle(app, 500)
    app.primaryScreen().grabWindow(0).save(str(out_dir / "category_move_dialog.png"))
    admin.dialog.reject()
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
