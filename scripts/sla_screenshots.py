"""Grab the incident detail with its SLA panel (warning, paused, breached) and the SLA settings page.

Run under a real X server: ``scripts/xvfb-screenshot.sh .venv/bin/python scripts/sla_screenshots.py OUT_DIR``.
It builds its own data directory in a temporary folder, with the app's clock fixed at Tuesday
1 September 2026, 14:00 in London, so the pictures show the same clocks on every run.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.domain.dtos import IncidentDraft, ReporterDraft
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.sla.sla_settings_dialog import open_sla_settings
from desktop_app.views.tasks import SyncTaskRunner

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 9, 1, 14, 0, tzinfo=LONDON)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def build(context, clock: Clock) -> list:
    incidents = context.incidents
    made = []
    # Logged Friday 17:00 as P2: 1 h on Friday, none over the weekend and the bank holiday, 6 h today.
    clock.now = datetime(2026, 8, 28, 17, 0, tzinfo=LONDON)
    vpn = incidents.create(
        IncidentDraft(
            "VPN drops every few minutes since the client update",
            new_reporter=ReporterDraft("Dana Whitfield", email="dana.whitfield@example.org"),
            impact=1,
            urgency=2,
        )
    ).value
    clock.now = datetime(2026, 9, 1, 8, 20, tzinfo=LONDON)
    incidents.change_status(vpn.id, Status.IN_PROGRESS)
    clock.now = datetime(2026, 9, 1, 9, 0, tzinfo=LONDON)
    incidents.change_status(vpn.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR)
    clock.now = datetime(2026, 9, 1, 9, 45, tzinfo=LONDON)
    incidents.change_status(vpn.id, Status.IN_PROGRESS)
    made.append(vpn)
    # A printer on hold, waiting for the caller.
    clock.now = datetime(2026, 9, 1, 10, 0, tzinfo=LONDON)
    printer = incidents.create(
        IncidentDraft("Label printer in the warehouse prints blank labels", impact=2, urgency=3)
    ).value
    clock.now = datetime(2026, 9, 1, 11, 0, tzinfo=LONDON)
    incidents.change_status(printer.id, Status.IN_PROGRESS)
    incidents.change_status(printer.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)
    made.append(printer)
    # A P1 nobody picked up.
    clock.now = datetime(2026, 9, 1, 8, 30, tzinfo=LONDON)
    made.append(incidents.create(IncidentDraft("Payroll database unreachable", impact=1, urgency=1)).value)
    clock.now = NOW
    return made


def main() -> int:
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    with tempfile.TemporaryDirectory(prefix="sla-shots-") as data_dir:
        clock = Clock(NOW)
        context = open_context(data_dir, clock=clock)
        incidents = build(context, clock)
        window = MainWindow(context, SyncTaskRunner(), ChangeBus())
        window.resize(1500, 900)
        window.show()
        settle(app)
        for name, incident in zip(("sla_warning", "sla_paused", "sla_breached"), incidents, strict=True):
            window.show_detail(context.incidents.get(incident.id))
            settle(app)
            window.grab().save(str(out_dir / f"{name}.png"))
        open_sla_settings(window)
        settle(app)
        dialog = window.sla_settings_dialog
        dialog._show_calendar(next(c.id for c in context.sla.config().calendars if c.name == "Office hours"))
        settle(app)
        dialog.grab().save(str(out_dir / "sla_settings.png"))
        dialog.reject()
        context.close()
    print(f"screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
