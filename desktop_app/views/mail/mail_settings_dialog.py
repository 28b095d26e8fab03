"""Email import settings: the watched folder, the size limit, and whether a reply reopens a resolved incident."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.views.widgets.error_banner import ErrorBanner

MAX_LIMIT_MB = 2000


class MailSettingsDialog(QDialog):
    def __init__(self, watch_folder: str, size_limit_mb: int, reopen_resolved: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Email import settings")
        self.setMinimumWidth(520)
        self.folder = QLineEdit(watch_folder, objectName="mailWatchFolder")
        self.folder.setPlaceholderText("none: only files you drop or pick are imported")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.limit = QSpinBox(objectName="mailSizeLimit")
        self.limit.setRange(1, MAX_LIMIT_MB)
        self.limit.setSuffix(" MB")
        self.limit.setValue(size_limit_mb)
        self.reopen = QCheckBox("A reply to a &resolved incident reopens it", objectName="mailReopenResolved")
        self.reopen.setChecked(reopen_resolved)
        self.error = ErrorBanner()
        form = QFormLayout()
        form.addRow("&Watched folder", folder_row)
        form.addRow("", QLabel("New .eml/.msg files there are imported, then moved to imported/ or quarantine/."))
        form.addRow("&Largest message", self.limit)
        form.addRow("", self.reopen)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_browse_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Watched folder for email files", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _on_buttons_accepted(self) -> None:
        text = self.folder.text().strip()
        if text and not Path(text).expanduser().is_dir():
            self.error.show_message(f"{text} is not a folder on this computer.")
            self.folder.setFocus()
            return
        self.accept()

    def chosen_folder(self) -> str:
        text = self.folder.text().strip()
        return str(Path(text).expanduser()) if text else ""
