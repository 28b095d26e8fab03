"""An inline message under a form: what went wrong and what to do, never a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class ErrorBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel#errorBanner { background: #fdecea; color: #8a1c14; border: 1px solid #f5c2bd;"
            " border-radius: 4px; padding: 6px 8px; }"
        )
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.show()

    def clear(self) -> None:
        self.setText("")
        self.hide()
