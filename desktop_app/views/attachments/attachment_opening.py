"""Doing things with a stored attachment: preview, open with the system's app, save as, remove."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_app.domain.attachments import AttachmentInfo


class AttachmentOpener(QObject):
    message = Signal(str)
    downloaded = Signal(str)  # sha256 of a file just fetched from the server (its thumbnail can show now)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._widget = parent_widget
        self._service: Any = None
        self._runner: Any = None
        self._open_dir: tempfile.TemporaryDirectory[str] | None = None
        self.preview_dialog: Any = None
        # SyncEngine.download_blob(sha256, label): bytes only on the server are fetched on demand.
        self._fetch: Any = None

    def bind(self, service: Any, runner: Any) -> None:
        self._service, self._runner = service, runner

    def set_fetch(self, fetch: Any) -> None:
        self._fetch = fetch

    def preview_or_open(self, info: AttachmentInfo) -> None:
        if info.is_image:
            self.preview(info)
        else:
            self.open_external(info)

    def preview(self, info: AttachmentInfo) -> None:
        self._with_blob(info, lambda path: self._show_preview(info, path))

    def _show_preview(self, info: AttachmentInfo, path: Path) -> None:
        from desktop_app.views.attachments.preview_dialog import PreviewDialog

        dialog = PreviewDialog(info, path, self._widget.window())
        dialog.open_requested.connect(lambda: self.open_external(info))
        dialog.save_requested.connect(lambda: self.save_as(info))
        self.preview_dialog = dialog
        dialog.show()

    def open_external(self, info: AttachmentInfo) -> None:
        """Copy to a private temporary folder under the display name, so the system picks the right app."""
        if self._open_dir is None:
            self._open_dir = tempfile.TemporaryDirectory(prefix="helpdesk-open-")
        folder = Path(self._open_dir.name) / str(info.id)
        folder.mkdir(exist_ok=True)

        def copied(path: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                self.message.emit(f"No application is set up to open {info.display_name}.")

        self._with_blob(
            info,
            lambda _blob: self._runner.run_db(
                self._service.export, info.id, folder, on_done=copied, on_error=lambda exc: self.message.emit(str(exc))
            ),
        )

    def save_as(self, info: AttachmentInfo) -> None:
        target, _ = QFileDialog.getSaveFileName(self._widget, "Save attachment as", info.display_name)
        if not target:
            return
        self._with_blob(
            info,
            lambda _blob: self._runner.run_db(
                self._service.export,
                info.id,
                Path(target),
                on_done=lambda path: self.message.emit(f"Saved {info.display_name} to {path}."),
                on_error=lambda exc: self.message.emit(str(exc)),
            ),
        )

    def remove(self, info: AttachmentInfo, on_done: Any) -> None:
        answer = QMessageBox.question(
            self._widget,
            "Remove attachment",
            f"Remove {info.display_name} from this incident? The history keeps a record that it was attached.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._runner.run_db(
            self._service.remove, info.id, on_done=on_done, on_error=lambda exc: self.message.emit(str(exc))
        )

    def _downloading(self, info: AttachmentInfo, progress: Any) -> None:
        if progress.total:
            self.message.emit(f"Downloading {info.display_name}… {min(progress.done / progress.total, 1.0):.0%}")

    def _fetched(self, info: AttachmentInfo, path: Path, then: Any) -> None:
        self.message.emit(f"Downloaded {info.display_name}.")
        self.downloaded.emit(info.sha256)
        then(path)

    def _with_blob(self, info: AttachmentInfo, then: Any) -> None:
        def found(path: Path | None) -> None:
            if path is not None:
                then(path)
            elif self._fetch is None:
                self.message.emit(f"{info.display_name} is on the server and not downloaded yet; sync, then try again.")
            else:
                self.message.emit(f"Downloading {info.display_name}…")
                self._runner.run_io(
                    self._fetch,
                    info.sha256,
                    info.display_name,
                    lambda progress: self._downloading(info, progress),  # on the I/O worker: a queued signal
                    on_done=lambda fetched: self._fetched(info, fetched, then),
                    on_error=lambda exc: self.message.emit(str(exc)),
                )

        self._runner.run_db(
            self._service.blob_path, info.id, on_done=found, on_error=lambda exc: self.message.emit(str(exc))
        )
