"""A change pulled from the server moves "Breaching soon" at once (the triggers mark, the commit recomputes)."""

from __future__ import annotations

from desktop_app.context import AppContext
from desktop_app.domain.queue_filter import builtin_view
from tests.support.builders import make_incident
from tests.support.fakes import FixedClock
from tests.sync.conftest import answer, change, pull, server_incident


def _in_view(context: AppContext) -> set:
    return {row.summary.id for row in context.queue.page(builtin_view("breaching").query, 100)}


def test_a_pulled_hold_and_priority_change_apply_to_the_view(connected: AppContext, clock: FixedClock) -> None:
    incident = make_incident(connected, impact=1, urgency=2)  # P2: response warns after 90 min
    answer(connected)
    clock.advance(minutes=100)
    assert incident.id in _in_view(connected)

    pull(
        connected,
        change("incident", server_incident(connected, incident.id, status="on_hold", hold_reason="awaiting_caller")),
    )
    assert incident.id not in _in_view(connected)

    pull(connected, change("incident", server_incident(connected, incident.id, status="in_progress")))
    assert incident.id not in _in_view(connected), "worked: the response clock stopped, resolution is early"

    pull(
        connected,
        change("incident", server_incident(connected, incident.id, status="in_progress", impact=3, urgency=3)),
    )
    assert incident.id not in _in_view(connected)
    pull(connected, change("incident", server_incident(connected, incident.id, status="assigned", impact=1, urgency=1)))
    assert incident.id in _in_view(connected), "back to unworked P1: its response target is long past"
