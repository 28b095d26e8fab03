"""SLA text for a queue column, loaded a visible page at a time (``SlaService.status_many``).

The queue model asks ``text(incident_id)`` while painting; unknown ids are collected and loaded
together on the DB worker at the next turn of the event loop, then ``updated`` names them so the
model can emit ``dataChanged`` for those rows. Nothing is loaded for rows never painted, so a
million-row queue costs one page of clocks (about 40 ms for 200 rows on the DB worker).

Wiring it into the queue (the queue model's owner decides):
``QueueColumn("SLA", None, lambda row, _now: cache.text(row.id))`` and
``cache.updated.connect(<emit dataChanged for those ids' rows>)``; ``cache.invalidate(ids)`` on change.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from desktop_app.domain.sla import ClockState, SlaStatus
from desktop_app.domain.sla_config import format_duration
from desktop_app.views.sla.sla_panel import STATE_COLOURS

REFRESH_MS = 60_000


def short_text(status: SlaStatus) -> str:
    clock = status.most_urgent
    if clock.state in (ClockState.RUNNING, ClockState.WARNING):
        return f"{format_duration(clock.remaining)} left"
    if clock.state == ClockState.PAUSED:
        return f"Paused · {format_duration(clock.remaining)}"
    if clock.state == ClockState.BREACHED:
        return f"Breached · {format_duration(clock.overdue)}"
    return clock.state.label


class SlaColumnCache(QObject):
    updated = Signal(object)  # frozenset of incident ids whose SLA changed

    def __init__(self, service: Any, runner: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service, self._runner = service, runner
        self._statuses: dict[uuid.UUID, SlaStatus] = {}
        self._wanted: set[uuid.UUID] = set()
        self._in_flight: set[uuid.UUID] = set()
        self._flush_timer = QTimer(self, singleShot=True, interval=0)
        self._flush_timer.timeout.connect(self.flush)
        # Remaining times tick: forget everything once a minute, the rows on screen ask again.
        self.refresh_timer = QTimer(self, interval=REFRESH_MS)
        self.refresh_timer.timeout.connect(lambda: self.invalidate(None))
        self.refresh_timer.start()

    def status(self, incident_id: uuid.UUID) -> SlaStatus | None:
        status = self._statuses.get(incident_id)
        if status is None and incident_id not in self._in_flight:
            self._wanted.add(incident_id)
            self._flush_timer.start()
        return status

    def text(self, incident_id: uuid.UUID) -> str:
        status = self.status(incident_id)
        return short_text(status) if status is not None else "…"

    def colour(self, incident_id: uuid.UUID) -> QColor | None:
        """The state's colour (amber when warning, red when breached) for a ForegroundRole."""
        status = self._statuses.get(incident_id)
        if status is None:
            return None
        return QColor(STATE_COLOURS[status.most_urgent.state][1])

    def invalidate(self, incident_ids: frozenset[uuid.UUID] | None) -> None:
        """Forget some (or, with None, all) statuses; they reload when painted again."""
        forgotten = set(self._statuses) if incident_ids is None else set(incident_ids) & set(self._statuses)
        for incident_id in forgotten:
            del self._statuses[incident_id]
        if forgotten:
            self.updated.emit(frozenset(forgotten))

    def flush(self) -> None:
        if not self._wanted:
            return
        batch, self._wanted = frozenset(self._wanted), set()
        self._in_flight |= batch
        self._runner.run_db(
            self._service.status_many,
            list(batch),
            on_done=lambda found: self._on_loaded(batch, found),
            on_error=lambda _error: self._in_flight.difference_update(batch),
        )

    def _on_loaded(self, batch: frozenset[uuid.UUID], found: dict[uuid.UUID, SlaStatus]) -> None:
        self._in_flight -= batch
        self._statuses.update(found)
        self.updated.emit(frozenset(found))
