"""Grabbing the screen: all screens, one screen, or a region picked with a rubber band over a frozen grab.

The app's own windows are hidden first and shown again afterwards, with an optional delay (3/5/10 s)
so a menu or tooltip can be opened in the other program.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop_app.views.attachments.annotations import span_rect

DELAYS_S = (0, 3, 5, 10)
# Time for the window manager to take our hidden windows off the screen before the grab.
HIDE_SETTLE_MS = 250


class CaptureMode(StrEnum):
    ALL_SCREENS = "all"
    ONE_SCREEN = "screen"
    REGION = "region"


def grab_screen(screen: QScreen) -> QImage:
    return screen.grabWindow(0).toImage()


def grab_all_screens() -> QImage:
    """Every screen side by side as they are arranged, in one image (logical pixels)."""
    screens = QGuiApplication.screens()
    if len(screens) == 1:
        return grab_screen(screens[0])
    virtual = QRect()
    for screen in screens:
        virtual = virtual.united(screen.geometry())
    canvas = QImage(virtual.size(), QImage.Format.Format_RGB32)
    canvas.fill(QColor("black"))
    painter = QPainter(canvas)
    for screen in screens:
        target = screen.geometry().translated(-virtual.topLeft())
        painter.drawImage(target, grab_screen(screen))
    painter.end()
    return canvas


class RegionSelector(QWidget):
    """A frameless full-screen window showing a frozen grab; drag a rectangle, release to take it."""

    region_chosen = Signal(QImage)
    canceled = Signal()

    def __init__(self, frozen: QImage, geometry: QRect) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("regionSelector")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.frozen = frozen
        self.setGeometry(geometry)
        self._origin: QPoint | None = None
        self.selection: QRect | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(self.rect(), self.frozen)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))  # dimmed: the chosen part shows clear
        if self.selection is not None and not self.selection.isEmpty():
            chosen = self.selection
            painter.drawImage(chosen, self.frozen, self._source_rect(chosen))
            painter.setPen(QPen(QColor("#42a5f5"), 2))
            painter.drawRect(chosen.adjusted(-1, -1, 0, 0))
            size = self._source_rect(chosen).size()
            label = f"{size.width()} × {size.height()}"
            painter.fillRect(QRect(chosen.left(), max(0, chosen.top() - 22), 90, 20), QColor(0, 0, 0, 170))
            painter.setPen(QColor("white"))
            painter.drawText(
                QRect(chosen.left() + 6, max(0, chosen.top() - 22), 84, 20), Qt.AlignmentFlag.AlignVCenter, label
            )
        painter.setPen(QColor("white"))
        painter.drawText(self.rect().adjusted(0, 12, 0, 0), Qt.AlignmentFlag.AlignHCenter, _HINT)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._origin = event.position().toPoint()
            self.selection = None
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self.selection = span_rect(self._origin, event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._origin is None or event.button() != Qt.MouseButton.LeftButton:
            return
        chosen = span_rect(self._origin, event.position().toPoint())
        self._origin = None
        if chosen.width() < 4 or chosen.height() < 4:  # a click, not a drag
            self.selection = None
            self.update()
            return
        self._finish(chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.canceled.emit()
            self.close()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish(self.rect())  # Enter with no band: the whole screen
        else:
            super().keyPressEvent(event)

    def _finish(self, chosen: QRect) -> None:
        self.region_chosen.emit(self.frozen.copy(self._source_rect(chosen)))
        self.close()

    def _source_rect(self, widget_rect: QRect) -> QRect:
        """Widget coordinates to grab pixels (they differ on high-DPI screens)."""
        sx = self.frozen.width() / max(1, self.width())
        sy = self.frozen.height() / max(1, self.height())
        return QRect(
            round(widget_rect.x() * sx),
            round(widget_rect.y() * sy),
            round(widget_rect.width() * sx),
            round(widget_rect.height() * sy),
        ).intersected(self.frozen.rect())


_HINT = "Drag to choose the part to capture · Enter: the whole screen · Esc: cancel"


class CountdownBadge(QLabel):
    """ "Capturing in 3…" in a corner of the screen; hides itself when the time is up."""

    finished = Signal()

    def __init__(self, seconds: int) -> None:
        flags = Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
        super().__init__(None, flags)
        self.setObjectName("captureCountdown")  # kept by the capturer until the next capture replaces it
        self.setStyleSheet("background: #263238; color: white; padding: 10px 16px; font-size: 12pt;")
        self.remaining = seconds
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._show_remaining()
        area = (QGuiApplication.primaryScreen() or QGuiApplication.screens()[0]).availableGeometry()
        self.adjustSize()
        self.move(area.right() - self.width() - 24, area.bottom() - self.height() - 24)
        self.show()
        self._timer.start()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining > 0:
            self._show_remaining()
            return
        self._timer.stop()
        self.close()
        self.finished.emit()

    def _show_remaining(self) -> None:
        self.setText(f"Capturing the screen in {self.remaining} s…")


class ScreenCapturer(QObject):
    """Runs one capture: hide our windows, wait, grab, show them again, then hand over the image."""

    captured = Signal(QImage)
    canceled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hidden: list[QWidget] = []
        self.selector: RegionSelector | None = None
        self.countdown: CountdownBadge | None = None

    def capture(self, mode: CaptureMode, delay_s: int = 0, screen: QScreen | None = None) -> None:
        self._hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
        for window in self._hidden:
            window.hide()
        if delay_s <= 0:
            QTimer.singleShot(HIDE_SETTLE_MS, lambda: self._grab(mode, screen))
            return
        # A small badge counts down (and is gone before the grab), so the wait is not a mystery.
        self.countdown = CountdownBadge(delay_s)
        self.countdown.finished.connect(lambda: QTimer.singleShot(HIDE_SETTLE_MS, lambda: self._grab(mode, screen)))
        self.countdown.start()

    def _grab(self, mode: CaptureMode, screen: QScreen | None) -> None:
        if mode == CaptureMode.ALL_SCREENS:
            image = grab_all_screens()
        else:
            chosen = screen or QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
            image = grab_screen(chosen)
            if mode == CaptureMode.REGION:
                self.selector = RegionSelector(image, chosen.geometry())
                self.selector.region_chosen.connect(self._deliver)
                self.selector.canceled.connect(self._cancel)
                self.selector.show()
                self.selector.activateWindow()
                return
        self._deliver(image)

    def _deliver(self, image: QImage) -> None:
        self._restore()
        self.captured.emit(image)

    def _cancel(self) -> None:
        self._restore()
        self.canceled.emit()

    def _restore(self) -> None:
        for window in self._hidden:
            window.show()
        self._hidden = []
        self.selector = None
