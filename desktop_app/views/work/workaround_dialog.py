"""The workaround: edit it, see its history, publish it to the reporter (a visible communication note)
and, optionally, keep it as a known error / knowledge entry that later searches suggest."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.views.widgets.error_banner import ErrorBanner


class WorkaroundDialog(QDialog):
    """Pure form: ``publish`` says which button was pressed; the owner saves, publishes and keeps."""

    def __init__(self, detail: IncidentDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Workaround of {detail.display_number}")
        self.setMinimumWidth(560)
        self.publish = False
        self.text = QPlainTextEdit(detail.workaround or "", objectName="workaroundText")
        self.text.setPlaceholderText("What the reporter can do until it is fixed")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        self.history = QListWidget(objectName="workaroundHistory")
        self.history.setFixedHeight(90)
        changes = [h for h in detail.history if h.field == "workaround"]
        for change in reversed(changes):
            when = change.device_time.astimezone().strftime("%Y-%m-%d %H:%M")
            self.history.addItem(f"{when} · {change.actor_name or 'unknown'} · {change.new_value or '(cleared)'}")
        if not changes:
            self.history.addItem("No earlier versions.")
        self.keep = QCheckBox(
            "Also keep it as a &known error (suggested for similar incidents)", objectName="keepKnown"
        )
        self.symptom = QLineEdit(detail.title, objectName="knownSymptom")
        self.symptom.setPlaceholderText("The symptom, as a caller would describe it")
        self.error = ErrorBanner()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button = self.buttons.addButton("&Publish to reporter", QDialogButtonBox.ButtonRole.ActionRole)
        self.publish_button.setObjectName("publishWorkaround")
        form = QFormLayout()
        form.addRow("&Workaround", self.text)
        form.addRow("History", self.history)
        form.addRow("", self.keep)
        form.addRow("S&ymptom", self.symptom)
        self.form = form
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(detail.title))
        layout.addLayout(form)
        hint = QLabel("Ctrl+Enter saves · Ctrl+Shift+Enter publishes to the reporter")
        hint.setStyleSheet("color: #607d8b;")
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self._on_keep_toggled()

    def _connect_signals(self) -> None:
        self.keep.toggled.connect(self._on_keep_toggled)
        self.save_button.clicked.connect(lambda: self._finish(publish=False))
        self.publish_button.clicked.connect(lambda: self._finish(publish=True))
        self.buttons.rejected.connect(self.reject)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=lambda: self._finish(publish=False))
        for sequence in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=lambda: self._finish(publish=True))

    def _on_keep_toggled(self) -> None:
        self.form.setRowVisible(self.symptom, self.keep.isChecked())

    @property
    def workaround(self) -> str:
        return self.text.toPlainText()

    def _finish(self, *, publish: bool) -> None:
        if not self.workaround.strip() and (publish or self.keep.isChecked()):
            self.error.show_message("Write the workaround first.")
            return
        if self.keep.isChecked() and not self.symptom.text().strip():
            self.error.show_message("A known error needs the symptom it answers.")
            return
        self.publish = publish
        self.accept()
