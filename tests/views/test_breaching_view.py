"""The "Breaching soon" view in the window: an incident walks in when its warning time passes."""

from __future__ import annotations

from desktop_app.context import AppContext
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.views.main_window import MainWindow
from tests.support.builders import make_incident
from tests.support.fakes import FixedClock


def test_the_view_takes_an_incident_in_when_its_clock_warns_and_out_when_held(
    main_window: MainWindow, context: AppContext, clock: FixedClock
) -> None:
    incident = make_incident(context, impact=1, urgency=2)  # P2: the response clock warns after 90 min
    view, model = main_window.queue, main_window.queue_model
    views = view.views_list.model()
    view.views_list.setCurrentIndex(views.index(views.row_of("breaching")))
    assert model.rowCount() == 0
    clock.advance(minutes=95)
    main_window.sla_notifier.check_now()  # the minute's background check tells the warning
    assert model.rowCount() == 1, "the check's notice refreshes the incident's row: it joins the view"
    assert model.summary_at(0).id == incident.id
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    main_window.bus.incidents_changed.emit(frozenset({incident.id}))  # as the edit's ChangeSet does
    assert model.rowCount() == 0, "worked: the response clock stopped"
    clock.advance(hours=5)  # 16:35: the resolution clock is past 75% of its 8 office hours
    main_window.sla_notifier.check_now()
    assert model.rowCount() == 1
    context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)
    main_window.bus.incidents_changed.emit(frozenset({incident.id}))
    assert model.rowCount() == 0
