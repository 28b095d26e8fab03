"""Composition root of the desktop client: AppContext, QApplication, task runner, MainWindow.

Start-up in two halves when the data is already current: the window and the newest incidents
first (sqlite3 only, no SQLAlchemy: a few ms of work beyond Qt itself), then the services load on
the DB worker right after the first paint and take over. Anything unusual (no database yet, a
migration due, a corrupt or newer file) takes the normal path, which migrates or explains.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import __version__
from desktop_app.domain.errors import HelpdeskError
from desktop_app.log_files import configure_logging, log_uncaught_exceptions
from desktop_app.paths import resolve_paths
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow, QuickStart
from desktop_app.views.qt_messages import route_qt_messages_to_log
from desktop_app.views.resources import app_icon, stylesheet
from desktop_app.views.single_instance import FileOpenFilter, LaunchRequest, claim_single_instance, deliver_request
from desktop_app.views.tasks import ThreadedTaskRunner

if TYPE_CHECKING:
    from desktop_app.context import AppContext

STARTED = time.perf_counter()
EXIT_DATA_ERROR = 3
log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="helpdesk", description="Offline-first IT help desk")
    parser.add_argument("--data-dir", help="where the database lives (default: the per-user data directory)")
    parser.add_argument("--version", action="version", version=f"helpdesk {__version__}")
    parser.add_argument(
        "--exit-when-idle",
        action="store_true",
        help="print 'ready <ms>' once the window is shown with the queue, 'services <ms>' once "
        "everything has loaded, then quit (benchmarks)",
    )
    parser.add_argument(
        "--import-email",
        nargs="*",
        action="extend",
        default=[],
        metavar="FILE",
        help=".eml or .msg files to turn into incidents (what the desktop's 'Open with' passes); "
        "a window already open for the same data directory takes them",
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
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("helpdesk")  # Wayland/X11 match the window to helpdesk.desktop's icon
    paths = resolve_paths(args.data_dir)
    launch = LaunchRequest(emails=[Path(name).resolve() for name in args.import_email])
    instance = claim_single_instance(paths.data_dir, launch)
    if instance is None:
        return 0  # the running window took the request
    configure_logging(paths.logs)
    log_uncaught_exceptions()
    route_qt_messages_to_log()
    log.info("Help Desk %s starting on %s", __version__, paths.data_dir)
    app.setStyleSheet(stylesheet())
    runner = ThreadedTaskRunner()
    bus = ChangeBus()
    window = _quick_window(paths.data_dir, paths.database, runner, bus)
    if window is None:
        window = _full_window(args, paths.data_dir, runner, bus)
        if window is None:
            instance.close()
            return EXIT_DATA_ERROR
    window.show()
    instance.request_received.connect(lambda request: deliver_request(window, request))
    if sys.platform == "darwin":
        app.installEventFilter(FileOpenFilter(window))
    if launch.emails:
        QTimer.singleShot(0, lambda: deliver_request(window, launch))
    if window.context is None:
        _load_services_after_first_paint(window, paths.data_dir, args.exit_when_idle)
    if args.exit_when_idle:
        _report_when_idle(app, window)
    try:
        return app.exec()
    finally:
        instance.close()
        runner.shutdown()
        if window.context is not None:
            window.context.close()


def _quick_window(data_dir: Path, database: Path, runner: ThreadedTaskRunner, bus: ChangeBus) -> MainWindow | None:
    from desktop_app.db.quick_read import quick_queue_source
    from desktop_app.settings import load_settings

    source = quick_queue_source(database)
    if source is None:
        return None
    try:
        settings = load_settings(data_dir / "settings.json")
    except HelpdeskError:
        return None  # the normal path reports it
    from desktop_app.db.queue_sql import QuickQueuePager

    pager = QuickQueuePager(database)
    return MainWindow(None, runner, bus, quick_start=QuickStart(data_dir, pager, settings.queue_page_size))


def _full_window(
    args: argparse.Namespace, data_dir: Path, runner: ThreadedTaskRunner, bus: ChangeBus
) -> MainWindow | None:
    from desktop_app.context import open_context

    try:
        context = open_context(data_dir)
    except HelpdeskError as exc:
        _report_fatal(exc, args.exit_when_idle)
        return None
    return MainWindow(context, runner, bus)


def _load_services_after_first_paint(window: MainWindow, data_dir: Path, headless: bool) -> None:
    def load() -> AppContext:  # runs on the DB worker: SQLAlchemy is imported there
        from desktop_app.context import open_context

        return open_context(data_dir)

    def failed(exc: Exception) -> None:
        _report_fatal(exc, headless)
        QApplication.instance().exit(EXIT_DATA_ERROR)

    QTimer.singleShot(0, lambda: window.runner.run_db(load, on_done=window.attach_context, on_error=failed))


def _report_fatal(exc: Exception, headless: bool) -> None:
    message = exc.message if isinstance(exc, HelpdeskError) else f"Unexpected error: {exc}"
    if headless:
        print(f"helpdesk: error: {message}", file=sys.stderr)
    else:
        QMessageBox.critical(None, "Help Desk cannot open its data", message)


def _report_when_idle(app: QApplication, window: MainWindow) -> None:
    """Print when the queue is on screen, then when the services are in, then quit."""
    state = {"ready": False}

    def check() -> None:
        model = window.queue_model
        if not state["ready"] and window.isVisible() and not model._loading and (model.rowCount() or not model.total):
            app.processEvents()
            print(f"ready {(time.perf_counter() - STARTED) * 1000:.1f}", flush=True)
            state["ready"] = True
        if state["ready"] and window.context is not None:
            print(f"services {(time.perf_counter() - STARTED) * 1000:.1f}", flush=True)
            app.quit()
            return
        QTimer.singleShot(2, check)

    QTimer.singleShot(0, check)


if __name__ == "__main__":
    sys.exit(main())
