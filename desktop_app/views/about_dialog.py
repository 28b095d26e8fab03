"""Help > About (version, where things are) and Help > Copy diagnostics (all of it, for support)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app import __version__
from desktop_app.diagnostics import diagnostics_text
from desktop_app.log_files import current_log_file
from desktop_app.paths import AppPaths
from desktop_app.views.resources import app_icon

if TYPE_CHECKING:
    from desktop_app.sync.dtos import SyncStatus
    from desktop_app.views.main_window import MainWindow

ICON_SIZE = 96


def runtime_versions() -> dict[str, str]:
    platform_name = QGuiApplication.platformName() if QGuiApplication.instance() else "-"
    return {"Qt": f"{qVersion()} (PySide6 {PySide6.__version__}, platform {platform_name})"}


class AboutDialog(QDialog):
    """Name, version, the versions underneath and the folders in use; a button copies diagnostics."""

    def __init__(self, paths: AppPaths, copy_diagnostics: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Help Desk")
        picture = QLabel(objectName="aboutIcon")
        picture.setPixmap(app_icon().pixmap(ICON_SIZE, ICON_SIZE))
        title = QLabel(f"<h2>Help Desk {__version__}</h2>", objectName="aboutTitle")
        log_file = current_log_file()
        self.details = QLabel(
            "Offline-first IT incident management.<br><br>"
            f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}<br>"
            f"Data: {_escape(paths.data_dir)}<br>"
            f"Log: {_escape(log_file) if log_file else 'not written'}",
            objectName="aboutDetails",
        )
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(self.details)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("Copy &diagnostics", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(copy_diagnostics)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)


def window_paths(window: MainWindow, data_dir: Path) -> AppPaths:
    return window.context.paths if window.context is not None else AppPaths(data_dir)


def copy_diagnostics(window: MainWindow, data_dir: Path) -> None:
    """Fetch the sync status on the DB worker (when the services are in), then fill the clipboard."""
    paths = window_paths(window, data_dir)

    def copy(status: SyncStatus | None) -> None:
        text = diagnostics_text(paths, runtime=runtime_versions(), sync=status, log_file=current_log_file())
        QGuiApplication.clipboard().setText(text)
        window.statusBar().showMessage(
            "Diagnostics copied to the clipboard: paste them into your support request", 8000
        )

    if window.context is None:
        copy(None)
        return
    window.runner.run_db(window.context.sync.status, on_done=copy, on_error=lambda _exc: copy(None))


def show_about(window: MainWindow, data_dir: Path) -> AboutDialog:
    dialog = AboutDialog(window_paths(window, data_dir), lambda: copy_diagnostics(window, data_dir), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _escape(path: Path | str) -> str:
    return str(path).replace("&", "&amp;").replace("<", "&lt;")
