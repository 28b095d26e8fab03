"""A line of text that changes often without laying the window out again.

A QLabel whose text changes asks every layout above it to run again (its size hint may have
changed); with the app's style sheet that cost ~10 ms per change in the full main window, twice
per queue interaction (the count line: "Loading…", then the counts). This widget keeps one size
and paints its text, elided at the end when the room is short; the full text is its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ROOM_CHARACTERS = 40  # the width it asks for, in digits; it takes what the layout gives


class StatusText(QWidget):
    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, object_name: str = "", colour: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._text = text
        self._colour = QColor(colour) if colour else None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setToolTip(text)
            self.update()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("0") * ROOM_CHARACTERS, metrics.height() + 4)

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("0") * 8, metrics.height() + 4)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self._colour or self.palette().windowText().color())
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), shown)
