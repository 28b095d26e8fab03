"""Desktop notifications when SLA clocks pass the warning share or their target.

A QTimer asks ``SlaService.check_alerts`` on the DB worker every minute; the service tells each
clock's warning and breach once (remembered in the database, so a restart does not repeat them)
and escalates when configured. New alerts become one system-tray message (clicking it opens the
most urgent incident) and a status-bar line. Without a system tray (offscreen, some desktops)
only the status-bar line and the ``notified`` signal remain.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from desktop_app.domain.sla import ClockState
from desktop_app.domain.sla_config import SlaAlertNotice
from desktop_app.domain.sla_text import local_time
from desktop_app.views.resources import icon
from desktop_app.views.sla.sla_column import SlaColumnCache

log = logging.getLogger(__name__)
CHECK_MS = 60_000
# The first check waits a little, so it never competes with start-up for the database worker.
FIRST_CHECK_MS = 15_000
LISTED = 4  # incidents named in one message; the rest are counted
MESSAGE_MS = 15_000


def summarise(notices: list[SlaAlertNotice]) -> tuple[str, str]:
    """Title and body of one notification for a batch of alerts."""
    breached = {n.incident_id for n in notices if n.state == ClockState.BREACHED}
    if breached:
        title = f"SLA breached: {_incidents(len(breached))}"
    else:
        title = f"SLA warning: {_incidents(len({n.incident_id for n in notices}))} due soon"
    lines = []
    for notice in notices[:LISTED]:
        verb = "breached" if notice.state == ClockState.BREACHED else "due"
        due = f" {verb} {local_time(notice.due_at)}" if notice.due_at else f" {verb}"
        escalated = f", escalated to {notice.escalated_to}" if notice.escalated_to else ""
        lines.append(f"{notice.display_number} {notice.clock.value}{due}{escalated}: {notice.title[:60]}")
    if len(notices) > LISTED:
        lines.append(f"and {len(notices) - LISTED} more")
    return title, "\n".join(lines)


def _incidents(count: int) -> str:
    return f"{count} incident{'s' if count != 1 else ''}"


class SlaNotifier(QObject):
    notified = Signal(object)  # list[SlaAlertNotice]
    open_requested = Signal(object)  # incident UUID
    escalated = Signal(object)  # frozenset of incident UUIDs reassigned by auto-escalation

    def __init__(self, service: Any, runner: Any, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._service, self._runner = service, runner
        self._checking = False
        self.last_incident: uuid.UUID | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("helpdesk"), self)
            self.tray.setToolTip("Help Desk")
            self.tray.messageClicked.connect(self._on_tray_message_clicked)
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check_now)

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        self.timer.start()
        QTimer.singleShot(first_check_ms, self, self.check_now)

    def check_now(self) -> None:
        if self._checking:
            return  # the previous check is still on the worker
        self._checking = True
        self._runner.run_db(self._service.check_alerts, on_done=self._on_checked, on_error=self._on_failed)

    def _on_checked(self, notices: list[SlaAlertNotice]) -> None:
        self._checking = False
        if not notices:
            return
        self.last_incident = notices[0].incident_id
        escalated = frozenset(n.incident_id for n in notices if n.escalated_to)
        if escalated:
            self.escalated.emit(escalated)
        if self.tray is not None:
            title, body = summarise(notices)
            icon = QSystemTrayIcon.MessageIcon.Critical
            if all(n.state != ClockState.BREACHED for n in notices):
                icon = QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(title, body, icon, MESSAGE_MS)
        self.notified.emit(notices)

    def _on_failed(self, error: object) -> None:
        self._checking = False
        log.warning("SLA check failed: %s", error)

    def _on_tray_message_clicked(self) -> None:
        if self.last_incident is not None:
            self.open_requested.emit(self.last_incident)


def install_sla_ui(window: QMainWindow, context: Any) -> SlaNotifier:
    """Give the detail panel and the queue's SLA column the service, start the notifier (once the services are up)."""
    window.detail.sla.bind(context.sla, window.runner)
    if getattr(window, "sla_column", None) is None:
        window.sla_column = SlaColumnCache(context.sla, window.runner, window)
        window.queue_model.attach_sla(window.sla_column)
        window.bus.incidents_changed.connect(window.sla_column.invalidate)
    notifier = SlaNotifier(context.sla, window.runner, window)
    notifier.notified.connect(
        lambda notices: window.statusBar().showMessage(" · ".join(summarise(notices)).replace("\n", " · "), MESSAGE_MS)
    )
    notifier.open_requested.connect(window._on_queue_open_requested)
    notifier.escalated.connect(window.bus.incidents_changed)
    # A clock that just warned or breached moves its incident into "Breaching soon" and recolours its
    # SLA cell: refresh those rows, as an edit's ChangeSet would.
    notifier.notified.connect(
        lambda notices: window.bus.incidents_changed.emit(frozenset(n.incident_id for n in notices))
    )
    window.sla_notifier = notifier
    notifier.start()
    return notifier
