"""A coloured P1..P5 chip, the same colours everywhere a priority is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.domain.enums import Priority

# Background, text: dark text on light chips and white on dark ones, for contrast (WCAG AA).
PRIORITY_COLOURS: dict[Priority, tuple[str, str]] = {
    Priority.P1: ("#b71c1c", "#ffffff"),
    Priority.P2: ("#e65100", "#ffffff"),
    Priority.P3: ("#f9a825", "#212121"),
    Priority.P4: ("#2e7d32", "#ffffff"),
    Priority.P5: ("#546e7a", "#ffffff"),
}


def priority_colour(priority: Priority) -> QColor:
    return QColor(PRIORITY_COLOURS[priority][0])


class PriorityBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumWidth(120)
        self.set_priority(None)

    def set_priority(self, priority: Priority | None) -> None:
        if priority is None:
            self.setText("Priority –")
            self.setStyleSheet("QLabel { border: 1px solid #b0bec5; border-radius: 4px; padding: 3px 8px; }")
            self.setAccessibleName("Priority not set")
            return
        background, foreground = PRIORITY_COLOURS[priority]
        self.setText(priority.label)
        self.setAccessibleName(f"Priority {priority.label}")
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px;"
            " padding: 3px 8px; font-weight: bold; }"
        )
