"""Help > About shows the version and folders; Help > Copy diagnostics fills the clipboard."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app import __version__
from desktop_app.context import AppContext
from desktop_app.db.revisions import HEAD_REVISION
from desktop_app.diagnostics import diagnostics_text, schema_revision
from desktop_app.log_files import configure_logging
from desktop_app.paths import AppPaths
from desktop_app.views.about_dialog import AboutDialog
from desktop_app.views.main_window import MainWindow


@pytest.fixture
def log_file(tmp_path: Path):
    path = configure_logging(tmp_path / "logs")
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == "helpdesk-file"]:
        root.removeHandler(handler)
        handler.close()


def open_about(qtbot: QtBot, window: MainWindow) -> AboutDialog:
    window.actions_by_id["about"].trigger()
    dialog = window.findChild(AboutDialog, "aboutDialog")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_about_shows_version_versions_and_folders(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, log_file: Path
) -> None:
    dialog = open_about(qtbot, main_window)
    title = dialog.findChild(type(dialog.details), "aboutTitle")
    assert __version__ in title.text()
    details = dialog.details.text()
    assert str(context.paths.data_dir) in details
    assert str(log_file) in details
    assert "Qt 6." in details
    assert "Python 3." in details
    icon = dialog.findChild(type(dialog.details), "aboutIcon")
    assert not icon.pixmap().isNull(), "the application icon is found and drawn"
    dialog.reject()


def test_copy_diagnostics_from_the_menu(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, log_file: Path
) -> None:
    logging.getLogger("desktop_app.test").warning("the printer queue looked stuck")
    QGuiApplication.clipboard().clear()
    main_window.actions_by_id["copy_diagnostics"].trigger()
    qtbot.waitUntil(lambda: "Help Desk" in QGuiApplication.clipboard().text(), timeout=5000)
    text = QGuiApplication.clipboard().text()
    assert f"Help Desk {__version__}" in text
    assert f"Data directory: {context.paths.data_dir}" in text
    assert f"Schema revision: {HEAD_REVISION} (this version expects {HEAD_REVISION})" in text
    assert "Sync: offline only" in text
    assert "Qt: 6." in text
    assert "platform offscreen" in text
    assert "the printer queue looked stuck" in text, "the last log lines are included"
    assert "copied" in main_window.statusBar().currentMessage()


def test_the_about_button_copies_too(qtbot: QtBot, main_window: MainWindow, log_file: Path) -> None:
    dialog = open_about(qtbot, main_window)
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: "Schema revision" in QApplication.clipboard().text(), timeout=5000)
    dialog.reject()


def test_diagnostics_name_a_missing_or_damaged_database(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path)
    assert schema_revision(paths.database) == "no database yet"
    paths.database.write_bytes(b"not sqlite at all" * 100)
    assert schema_revision(paths.database).startswith("unreadable")
    paths.database.unlink()
    sqlite3.connect(paths.database).close()
    assert schema_revision(paths.database).startswith("unreadable")  # no alembic_version table
    text = diagnostics_text(paths, runtime={}, sync=None, log_file=None)
    assert "Sync: not loaded yet" in text
    assert "Log file: not configured" in text


def test_diagnostics_show_the_sync_state_without_secrets(context: AppContext) -> None:
    from dataclasses import replace

    status = replace(
        context.sync.status(),
        server_url="https://helpdesk.example.org",
        username="terry",
        logged_in=True,
        pending=3,
        last_error="server said no",
        last_error_code="server_error",
    )
    text = diagnostics_text(context.paths, runtime={}, sync=status, log_file=None)
    assert "server https://helpdesk.example.org, user terry, signed in" in text
    assert "pending 3" in text
    assert "server_error server said no" in text
