"""The SLA panel in the detail view and the tray notifier, on real widgets and a real database."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.sla import ClockKind, ClockState
from desktop_app.services.sla_service import SlaService
from desktop_app.views.item_models.queue_columns import SLA_COLUMN
from desktop_app.views.main_window import MainWindow
from desktop_app.views.sla.sla_column import SlaColumnCache
from desktop_app.views.sla.sla_notifier import SlaNotifier, summarise
from desktop_app.views.sla.sla_panel import BAR_STEPS, SlaPanel
from desktop_app.views.tasks import SyncTaskRunner
from tests.support.builders import make_incident
from tests.support.fakes import FixedClock


class CountingSla:
    """The real SlaService, counting the calls a widget makes (0 for an alert check, else the batch size)."""

    def __init__(self, service: SlaService) -> None:
        self.service = service
        self.calls: list[int] = []

    def status_many(self, ids: list, now: object = None) -> dict:
        self.calls.append(len(ids))
        return self.service.status_many(ids)

    def check_alerts(self) -> list:
        self.calls.append(0)
        return self.service.check_alerts()


def make_panel(qtbot: QtBot, context: AppContext, runner: SyncTaskRunner) -> SlaPanel:
    panel = SlaPanel()
    qtbot.addWidget(panel)
    panel.bind(context.sla, runner)
    panel.show()
    return panel


def test_panel_shows_time_left_due_time_and_the_bar(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, clock: FixedClock
) -> None:
    incident = make_incident(context, impact=1, urgency=2)  # P2: 2 h response, 8 h resolution
    clock.advance(hours=1)
    panel = make_panel(qtbot, context, runner)
    panel.show_incident(incident.id)
    assert panel.chips[ClockKind.RESPONSE].text() == "Running"
    assert panel.headlines[ClockKind.RESPONSE].startswith("1 h left · due ")
    assert "P2 target 2 h · 50% used" in panel.texts[ClockKind.RESPONSE].text()
    assert panel.bars[ClockKind.RESPONSE].value() == BAR_STEPS // 2
    assert panel.headlines[ClockKind.RESOLUTION].startswith("7 h left")
    assert panel.bars[ClockKind.RESOLUTION].value() == BAR_STEPS // 8


def test_panel_follows_hold_warning_and_breach(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, clock: FixedClock
) -> None:
    incident = make_incident(context, impact=1, urgency=2)
    panel = make_panel(qtbot, context, runner)
    panel.show_incident(incident.id)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR)
    clock.advance(hours=5)
    panel.reload()
    assert panel.chips[ClockKind.RESPONSE].text() == "Met"
    assert panel.chips[ClockKind.RESOLUTION].text() == "Paused"
    assert panel.headlines[ClockKind.RESOLUTION] == "8 h left · paused while on hold"
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    # Resumed Monday 14:30: 3.5 h to 18:00, then Tuesday 08:00-10:30: 6 h of 8 is the 75 % warning share.
    clock.advance(hours=20)
    panel.reload()
    assert panel.status is not None
    assert panel.status.resolution.state == ClockState.WARNING
    assert panel.chips[ClockKind.RESOLUTION].text() == "Warning"
    clock.advance(days=1)
    panel.reload()
    assert panel.chips[ClockKind.RESOLUTION].text() == "Breached"
    assert " over · was due " in panel.headlines[ClockKind.RESOLUTION]
    assert panel.bars[ClockKind.RESOLUTION].value() == BAR_STEPS


def test_panel_ignores_a_late_answer_for_an_incident_no_longer_shown(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner
) -> None:
    first, second = make_incident(context, "First"), make_incident(context, "Second")
    panel = make_panel(qtbot, context, runner)
    panel.show_incident(second.id)
    shown = panel.status
    panel._on_loaded(first.id, context.sla.status(first.id))
    assert panel.status is shown


def test_detail_view_in_the_main_window_has_the_panel(main_window: MainWindow, context: AppContext) -> None:
    incident = make_incident(context, impact=1, urgency=1)
    main_window.show_detail(context.incidents.get(incident.id))
    panel = main_window.detail.sla
    assert panel.isVisible()
    assert panel.headlines[ClockKind.RESOLUTION].startswith("4 h left")


def test_notifier_tells_once_and_escalates(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, clock: FixedClock
) -> None:
    desk = next(g for g in context.directory.groups() if g.name != "Service Desk")
    context.sla.save_config(dataclasses.replace(context.sla.config(), auto_escalate=True, escalation_group_id=desk.id))
    incident = make_incident(context, "Core switch down in building B", impact=1, urgency=1)  # P1
    notifier = SlaNotifier(context.sla, runner)
    received: list[list] = []
    escalated: list[frozenset] = []
    notifier.notified.connect(received.append)
    notifier.escalated.connect(escalated.append)
    notifier.check_now()
    assert received == []
    clock.advance(minutes=50)  # 50 of the 60 response minutes
    notifier.check_now()
    assert [(n.clock, n.state) for n in received[0]] == [(ClockKind.RESPONSE, ClockState.WARNING)]
    assert escalated == [frozenset({incident.id})]
    notifier.check_now()
    assert len(received) == 1  # told once
    opened: list = []
    notifier.open_requested.connect(opened.append)
    notifier._on_tray_message_clicked()
    assert opened == [incident.id]
    # Offscreen there is no system tray: the notifier still works, through its signals.
    assert notifier.tray is None or notifier.tray.isVisible()


def test_notifier_timer_runs_the_check(qtbot: QtBot, context: AppContext, runner: SyncTaskRunner) -> None:
    make_incident(context, impact=1, urgency=1)
    notifier = SlaNotifier(context.sla, runner, interval_ms=20)
    counting = CountingSla(context.sla)
    notifier._service = counting
    calls = counting.calls
    notifier.start(first_check_ms=0)
    qtbot.waitUntil(lambda: len(calls) >= 3, timeout=2000)
    notifier.timer.stop()


def test_summary_names_the_incidents_and_counts_the_rest(context: AppContext, clock: FixedClock) -> None:
    for n in range(6):
        make_incident(context, f"Outage {n}", impact=1, urgency=1)
    clock.advance(hours=5)
    notices = context.sla.check_alerts()
    title, body = summarise(notices)
    assert len(notices) == 12  # response and resolution of each of the six
    assert title == "SLA breached: 6 incidents"
    assert body.splitlines()[-1] == "and 8 more"
    assert body.splitlines()[0].startswith("INC-")
    assert timedelta(0) < clock.now - notices[0].due_at


def test_queue_column_cache_loads_what_is_painted_in_one_batch(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, clock: FixedClock
) -> None:
    p1 = make_incident(context, "Core switch down", impact=1, urgency=1)
    p4 = make_incident(context, "Mouse wheel squeaks", impact=2, urgency=3)
    cache = SlaColumnCache(context.sla, runner)
    batches: list[int] = []
    original = context.sla.status_many
    cache._service = type(
        "Counting", (), {"status_many": lambda self, ids: batches.append(len(ids)) or original(ids)}
    )()
    updated: list[frozenset] = []
    cache.updated.connect(updated.append)
    assert cache.text(p1.id) == "…"
    assert cache.text(p4.id) == "…"
    qtbot.waitUntil(lambda: bool(updated), timeout=2000)
    assert batches == [2]
    assert updated == [frozenset({p1.id, p4.id})]
    assert cache.text(p1.id) == "1 h left"  # the response clock is the most urgent
    clock.advance(hours=2)
    cache.invalidate(frozenset({p1.id}))
    cache.text(p1.id)
    cache.flush()
    assert cache.text(p1.id) == "Breached · 1 h"
    assert cache.colour(p1.id) is not None
    assert batches == [2, 1]


def test_the_queue_shows_each_incidents_clock_in_its_sla_column(
    qtbot: QtBot, main_window: MainWindow, context: AppContext
) -> None:
    make_incident(context, "Core switch down", impact=1, urgency=1)
    model = main_window.queue_model
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=2000)
    index = model.index(0, SLA_COLUMN)
    assert model.headerData(SLA_COLUMN, Qt.Orientation.Horizontal) == "SLA"
    model.data(index)  # painting asks for the clock
    qtbot.waitUntil(lambda: model.data(index) == "1 h left", timeout=2000)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
