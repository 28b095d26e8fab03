"""The SLA panel of the incident detail: both clocks with a bar, the time left, the due time.

It loads its own status on the DB worker (``bind`` gives it the SlaService and the runner) when an
incident is shown or changed, and again every minute while it is on screen, so "45 min left" ticks.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QWidget

from desktop_app.domain.sla import ClockKind, ClockState, ClockStatus, SlaStatus
from desktop_app.domain.sla_text import clock_parts, clock_text

REFRESH_MS = 60_000
BAR_STEPS = 1000
# Chip background and text, bar colour: calm while running, amber at the warning share, red when breached.
STATE_COLOURS: dict[ClockState, tuple[str, str, str]] = {
    ClockState.RUNNING: ("#e8f5e9", "#1b5e20", "#43a047"),
    ClockState.WARNING: ("#fff3e0", "#8a4b00", "#fb8c00"),
    ClockState.PAUSED: ("#eceff1", "#37474f", "#90a4ae"),
    ClockState.BREACHED: ("#ffebee", "#b71c1c", "#e53935"),
    ClockState.MET: ("#e0f2f1", "#004d40", "#26a69a"),
    ClockState.MISSED: ("#ffebee", "#b71c1c", "#e57373"),
    ClockState.CANCELED: ("#eceff1", "#5f6b70", "#b0bec5"),
}


class SlaPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slaPanel")
        self.setStyleSheet("#slaPanel { border: 1px solid #dde3e6; border-radius: 4px; }")
        self.incident_id: uuid.UUID | None = None
        self.status: SlaStatus | None = None
        self._service: Any = None
        self._runner: Any = None
        self.chips: dict[ClockKind, QLabel] = {}
        self.bars: dict[ClockKind, QProgressBar] = {}
        self.texts: dict[ClockKind, QLabel] = {}
        self.headlines: dict[ClockKind, str] = {}  # the plain first line of each text
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setVerticalSpacing(4)
        for row, kind in enumerate(ClockKind):
            grid.addWidget(QLabel(f"<b>{kind.label}</b>"), row, 0)
            chip = QLabel(objectName=f"sla_{kind.value}_state")
            chip.setFixedSize(84, 22)
            chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
            bar = QProgressBar(objectName=f"sla_{kind.value}_bar")
            bar.setRange(0, BAR_STEPS)
            bar.setTextVisible(False)
            bar.setFixedHeight(8)
            bar.setFixedWidth(100)
            text = QLabel(objectName=f"sla_{kind.value}_text")
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setWordWrap(True)
            grid.addWidget(chip, row, 1, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(bar, row, 2)
            grid.addWidget(text, row, 3)
            self.chips[kind], self.bars[kind], self.texts[kind] = chip, bar, text
        grid.setColumnStretch(3, 1)
        self.message = QLabel(objectName="slaMessage")
        self.message.setStyleSheet("color: #607d8b;")
        grid.addWidget(self.message, len(ClockKind), 0, 1, 4)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.show_status(None)

    # --- wiring --------------------------------------------------------------------------

    def bind(self, service: Any, runner: Any) -> None:
        """The SlaService and the task runner (set once the services are up)."""
        self._service, self._runner = service, runner
        self.timer.start()
        self.reload()

    def show_incident(self, incident_id: uuid.UUID | None) -> None:
        if incident_id != self.incident_id:
            self.show_status(None)
        self.incident_id = incident_id
        self.reload()

    def reload(self) -> None:
        if self._service is None or self.incident_id is None:
            return
        wanted = self.incident_id
        self._runner.run_db(
            self._service.status,
            wanted,
            on_done=lambda status: self._on_loaded(wanted, status),
            on_error=self._on_failed,
        )

    def _on_loaded(self, incident_id: uuid.UUID, status: SlaStatus) -> None:
        if incident_id == self.incident_id:  # the user may have moved on meanwhile
            self.show_status(status)

    def _on_failed(self, error: object) -> None:
        self.show_status(None)
        self.message.setText(f"SLA not available: {error}")
        self.message.show()

    def _on_timer_timeout(self) -> None:
        if self.isVisible():
            self.reload()

    # --- showing -------------------------------------------------------------------------

    def show_status(self, status: SlaStatus | None) -> None:
        self.status = status
        self.message.hide()
        for kind in ClockKind:
            clock = None if status is None else (status.response if kind == ClockKind.RESPONSE else status.resolution)
            self._show_clock(kind, clock, status)

    def _show_clock(self, kind: ClockKind, clock: ClockStatus | None, status: SlaStatus | None) -> None:
        chip, bar, text = self.chips[kind], self.bars[kind], self.texts[kind]
        if clock is None or status is None:
            chip.setText("")
            chip.setStyleSheet("")
            bar.setValue(0)
            text.setText("–")
            self.headlines[kind] = "–"
            return
        background, foreground, bar_colour = STATE_COLOURS[clock.state]
        chip.setText(clock.state.label)
        chip.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px; padding: 1px 6px;"
            " font-weight: bold; }"
        )
        bar.setValue(min(int(clock.share * BAR_STEPS), BAR_STEPS))
        bar.setStyleSheet(
            f"QProgressBar {{ background: #eceff1; border: none; border-radius: 3px; }}"
            f"QProgressBar::chunk {{ background: {bar_colour}; border-radius: 3px; }}"
        )
        headline, detail = clock_parts(clock, status.computed_at)
        self.headlines[kind] = headline[0].upper() + headline[1:]
        text.setText(
            f"{html.escape(headline[0].upper() + headline[1:])}<br><span style='color:#607d8b'>"
            f"{html.escape(detail)}</span>"
        )
        text.setToolTip(clock_text(clock, status.computed_at))
        bar.setAccessibleName(f"{kind.label} clock {clock.share:.0%} used")
