"""The status-bar indicator: a coloured dot and a few words; a click opens what needs attention."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QToolButton, QWidget

from desktop_app.sync.dtos import SyncProgress, SyncStatus
from desktop_app.views.sync.controller import SyncController
from desktop_app.views.sync.status_text import IndicatorState, Level, Target, indicator_state

DOT_SIZE = 10


def dot_icon(colour: str) -> QIcon:
    pixmap = QPixmap(DOT_SIZE * 2, DOT_SIZE * 2)  # drawn at twice the size: crisp on high-DPI screens
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(2, 2, DOT_SIZE * 2 - 4, DOT_SIZE * 2 - 4))
    painter.end()
    return QIcon(pixmap)


class SyncStatusIndicator(QToolButton):
    """Keyboard reachable (Tab, then Space): it is a button, flat until hovered."""

    open_requested = Signal(str)  # a Target value

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatusIndicator")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIconSize(QSize(DOT_SIZE, DOT_SIZE))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Sync status")
        self._controller = controller
        self._countdown = QTimer(self, objectName="syncCountdownTimer", interval=1000)
        self.state = indicator_state(None)
        self._connect_signals()
        self._show(self.state)

    def _connect_signals(self) -> None:
        self.clicked.connect(self._on_self_clicked)
        self._countdown.timeout.connect(self._on_countdown_timeout)
        self._controller.status_changed.connect(self._on_controller_status_changed)
        self._controller.sync_started.connect(self.update_state)
        self._controller.progress_reported.connect(self._on_controller_progress_reported)
        self._controller.retry_scheduled.connect(self._on_controller_retry_scheduled)

    def update_state(self) -> None:
        c = self._controller
        state = indicator_state(c.status, running=c.syncing, progress=c.progress, retry_in=c.seconds_until_retry())
        self._show(state)
        if c.seconds_until_retry() is None:
            self._countdown.stop()

    def _show(self, state: IndicatorState) -> None:
        self.state = state
        self.setText(state.text)
        self.setIcon(dot_icon(state.level.value))
        self.setToolTip(state.tooltip)
        self.setStatusTip(state.tooltip.splitlines()[0])
        self.setAccessibleDescription(state.text)
        self.setStyleSheet(
            f"QToolButton#syncStatusIndicator {{ color: {state.level.value}; font-weight: "
            f"{'600' if state.level in (Level.ERROR, Level.WARN) else 'normal'}; padding: 1px 6px; }}"
        )

    def _on_controller_status_changed(self, _status: SyncStatus) -> None:
        self.update_state()

    def _on_controller_progress_reported(self, _progress: SyncProgress) -> None:
        self.update_state()

    def _on_controller_retry_scheduled(self, _seconds: float) -> None:
        self._countdown.start()
        self.update_state()

    def _on_countdown_timeout(self) -> None:
        self.update_state()

    def _on_self_clicked(self) -> None:
        self.open_requested.emit(Target(self.state.target).value)
