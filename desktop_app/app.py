"""Composition root of the desktop client: AppContext, QApplication, task runner, MainWindow."""

from __future__ import annotations

import argparse
import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import __version__
from desktop_app.context import open_context
from desktop_app.domain.errors import HelpdeskError
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import icon, stylesheet
from desktop_app.views.tasks import ThreadedTaskRunner

STARTED = time.perf_counter()


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="helpdesk", description="Offline-first IT help desk")
    parser.add_argument("--data-dir", help="where the database lives (default: the per-user data directory)")
    parser.add_argument("--version", action="version", version=f"helpdesk {__version__}")
    parser.add_argument(
        "--exit-when-idle",
        action="store_true",
        help="print 'ready <ms>' once the window is shown and the queue loaded, then quit (benchmarks)",
    )
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        print(
            "helpdesk: no display (DISPLAY is not set). Run it in a desktop session, or: xvfb-run make run",
            file=sys.stderr,
        )
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Help Desk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("helpdesk"))
    app.setStyleSheet(stylesheet())
    try:
        context = open_context(args.data_dir)
    except HelpdeskError as exc:
        if args.exit_when_idle:
            print(f"helpdesk: error: {exc.message}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Help Desk cannot open its data", exc.message)
        return 3
    runner = ThreadedTaskRunner()
    bus = ChangeBus()
    window = MainWindow(context, runner, bus)
    window.show()
    if args.exit_when_idle:
        _quit_when_idle(app, window)
    try:
        return app.exec()
    finally:
        runner.shutdown()
        context.close()


def _quit_when_idle(app: QApplication, window: MainWindow) -> None:
    """Poll until the first page is painted and no task is in flight, then report and quit."""

    def check() -> None:
        model = window.queue_model
        if window.isVisible() and not model._loading and (model.rowCount() > 0 or model.total == 0):
            app.processEvents()
            print(f"ready {(time.perf_counter() - STARTED) * 1000:.1f}", flush=True)
            app.quit()
        else:
            QTimer.singleShot(2, check)

    QTimer.singleShot(0, check)


if __name__ == "__main__":
    sys.exit(main())
