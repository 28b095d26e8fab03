"""Polls the watched folder on the DB worker (and soon after Qt sees it change) and imports what settled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from desktop_app.domain.mail import SETTLE_SECONDS

POLL_MS = 30_000
# After a change is seen, wait until a file copied in would count as settled.
AFTER_CHANGE_MS = int(SETTLE_SECONDS * 1000) + 500


class FolderWatcher(QObject):
    swept = Signal(object)  # list[ImportOutcome], only when something was imported

    def __init__(self, service: Any, runner: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self.folder: Path | None = None
        self._sweeping = False
        self._poll = QTimer(self, interval=POLL_MS)
        self._soon = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS)
        self._fs = QFileSystemWatcher(self)
        self._poll.timeout.connect(self.sweep)
        self._soon.timeout.connect(self.sweep)
        self._fs.directoryChanged.connect(self._on_fs_directory_changed)

    def set_folder(self, folder: str) -> None:
        if self._fs.directories():
            self._fs.removePaths(self._fs.directories())
        self.folder = Path(folder) if folder else None
        if self.folder is None:
            self._poll.stop()
            return
        if self.folder.is_dir():
            self._fs.addPath(str(self.folder))
        self._poll.start()
        self._soon.start()

    def _on_fs_directory_changed(self, _path: str) -> None:
        self._soon.start()  # restarts: a burst of files is swept once, after it settles

    def sweep(self) -> None:
        if self.folder is None or self._sweeping:
            return
        self._sweeping = True
        self.runner.run_db(self.service.sweep_folder, self.folder, on_done=self._on_done, on_error=self._on_error)

    def _on_done(self, outcomes: list[Any]) -> None:
        self._sweeping = False
        if outcomes:
            self.swept.emit(outcomes)

    def _on_error(self, _exc: Exception) -> None:
        self._sweeping = False  # the next poll tries again; the files stay where they are
