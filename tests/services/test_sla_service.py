"""SlaService on a real SQLite file: seeded defaults, clocks from the audit history, alerts, escalation."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select, text

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentPatch
from desktop_app.domain.enums import HoldReason, Priority, Status
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.sla import ClockKind, ClockState
from desktop_app.models import AuditEvent, OutboxEntry
from tests.support.builders import make_incident, resolve
from tests.support.fakes import TEST_START, FixedClock

# TEST_START is Monday 2 March 2026, 09:30 UTC = 09:30 in London (GMT).


def p2_incident(context: AppContext):
    return make_incident(context, impact=1, urgency=2)  # the default matrix gives P2


def test_seeded_defaults(context: AppContext) -> None:
    config = context.sla.config()
    assert {c.name for c in config.calendars} == {"Round the clock", "Office hours"}
    office = next(c for c in config.calendars if c.name == "Office hours")
    assert office.time_zone == "Europe/London"
    assert office.week_hours[:5] == ("08:00-18:00",) * 5
    assert date(2026, 8, 31) in {h.day for h in office.holidays}
    targets = {t.priority: t for t in config.targets}
    assert (targets[Priority.P1].response_minutes, targets[Priority.P1].resolution_minutes) == (60, 240)
    assert config.warn_share == 0.75
    assert not config.auto_escalate
    assert context.sla.policy().targets[Priority.P1].calendar.is_always_open


def test_new_p2_incident_is_due_within_office_hours(context: AppContext) -> None:
    incident = p2_incident(context)
    assert incident.priority == Priority.P2
    status = context.sla.status(incident.id)
    assert status.response.due_at == TEST_START + timedelta(hours=2)
    assert status.resolution.due_at == TEST_START + timedelta(hours=8)
    assert status.resolution.state == ClockState.RUNNING


def test_working_and_holding_move_the_clocks(context: AppContext, clock: FixedClock) -> None:
    incident = p2_incident(context)
    clock.advance(hours=1)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    clock.advance(hours=1)
    context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)
    clock.advance(hours=3)
    held = context.sla.status(incident.id)
    assert held.response.state == ClockState.MET
    assert held.response.stopped_at == TEST_START + timedelta(hours=1)
    assert held.resolution.state == ClockState.PAUSED
    assert held.resolution.used == timedelta(hours=2)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    resumed = context.sla.status(incident.id)
    # 6 h left from 14:30 on Monday: 3.5 h until 18:00, 2.5 h from Tuesday 08:00.
    assert resumed.resolution.due_at == datetime(2026, 3, 3, 10, 30, tzinfo=TEST_START.tzinfo)


def test_reprioritising_recomputes(context: AppContext, clock: FixedClock) -> None:
    incident = p2_incident(context)
    clock.advance(hours=2)
    context.incidents.update(incident.id, IncidentPatch(impact=1, urgency=1))  # → P1
    status = context.sla.status(incident.id)
    # 2 h of P2's 8 h = 1/4 used; 3/4 of P1's 4 h = 3 h left, round the clock.
    assert status.resolution.priority == Priority.P1
    assert status.resolution.remaining == timedelta(hours=3)
    assert status.resolution.due_at == clock.now + timedelta(hours=3)
    # The response clock had used 2 h of P2's 2 h: breached, and still so as a P1.
    assert status.response.state == ClockState.BREACHED


def test_an_offline_hold_synced_later_recomputes_the_clock(context: AppContext, clock: FixedClock) -> None:
    incident = p2_incident(context)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    clock.advance(hours=4)
    before = context.sla.status(incident.id).resolution.used
    # A technician's hold from 10:30 to 12:30, made offline, arrives in the history afterwards.
    with context.incidents._env.sessions.begin() as session:  # what sync's apply does: insert audit rows
        for at, old, new in ((1, "in_progress", "on_hold"), (3, "on_hold", "in_progress")):
            session.add(
                AuditEvent(
                    incident_id=incident.id,
                    field="status",
                    old_value=old,
                    new_value=new,
                    device_time=TEST_START + timedelta(hours=at),
                    server_time=clock.now,
                )
            )
    after = context.sla.status(incident.id).resolution.used
    assert before == timedelta(hours=4)
    assert after == timedelta(hours=2)


def test_resolved_incident_clock_is_met(context: AppContext, clock: FixedClock) -> None:
    incident = p2_incident(context)
    clock.advance(hours=1)
    resolve(context, incident)
    clock.advance(days=10)
    status = context.sla.status(incident.id)
    assert status.resolution.state == ClockState.MET
    assert status.resolution.stopped_at == TEST_START + timedelta(hours=1)


def test_status_many_costs_the_same_few_queries_for_any_page(context: AppContext) -> None:
    ids = [make_incident(context, f"Incident {n} on the third floor").id for n in range(30)]
    counts = []
    for page in (ids[:3], ids):
        statements: list[str] = []
        listener = lambda *args, seen=statements: seen.append(args[2])  # noqa: E731
        event.listen(context.engine, "before_cursor_execute", listener)
        try:
            result = context.sla.status_many(page)
        finally:
            event.remove(context.engine, "before_cursor_execute", listener)
        assert set(result) == set(page)
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert counts[1] <= 8


def test_unknown_incidents(context: AppContext) -> None:
    with pytest.raises(NotFoundError):
        context.sla.status(context.incidents._env.ids())
    with pytest.raises(NotFoundError):
        context.sla.status_by_number(999999)
    with pytest.raises(ValidationError):
        context.sla.status_by_number("printer")


def test_config_round_trip_and_validation(context: AppContext) -> None:
    config = context.sla.config()
    office = next(c for c in config.calendars if c.name == "Office hours")
    changed_office = dataclasses.replace(office, week_hours=("09:00-17:00",) * 5 + ("", ""), time_zone="Europe/Dublin")
    extra = context.sla.public_holidays("GB", "ENG", [2028])
    changed_office = changed_office.with_holidays(extra)
    config = dataclasses.replace(
        config,
        calendars=tuple(changed_office if c.id == office.id else c for c in config.calendars),
        warn_share=0.5,
    )
    saved = context.sla.save_config(config)
    again = next(c for c in saved.calendars if c.id == office.id)
    assert again.week_hours[0] == "09:00-17:00"
    assert again.time_zone == "Europe/Dublin"
    assert date(2028, 8, 28) in {h.day for h in again.holidays}
    assert saved.warn_share == 0.5

    bad_hours = dataclasses.replace(changed_office, week_hours=("9 till 5",) * 7)
    with pytest.raises(ValidationError, match="08:00-18:00"):
        context.sla.save_config(dataclasses.replace(saved, calendars=(bad_hours,)))
    with pytest.raises(ValidationError, match="group"):
        context.sla.save_config(dataclasses.replace(saved, auto_escalate=True, escalation_group_id=None))
    with pytest.raises(ValidationError, match="between 5% and 99%"):
        context.sla.save_config(dataclasses.replace(saved, warn_share=1.5))
    assert context.sla.config() == saved  # nothing half-written
    with pytest.raises(ValidationError):
        context.sla.public_holidays("Atlantis", None, [2026])


def test_alerts_once_per_level_and_auto_escalation(context: AppContext, clock: FixedClock) -> None:
    desk = next(g for g in context.directory.groups() if g.name != "Service Desk")
    context.sla.save_config(dataclasses.replace(context.sla.config(), auto_escalate=True, escalation_group_id=desk.id))
    incident = make_incident(context, impact=1, urgency=1)  # P1: 1 h response, 4 h resolution, 24×7
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    assert context.sla.check_alerts() == []
    clock.advance(hours=3, minutes=1)  # past 75 % of 4 h
    notices = context.sla.check_alerts()
    assert [(n.incident_id, n.clock, n.state) for n in notices] == [
        (incident.id, ClockKind.RESOLUTION, ClockState.WARNING)
    ]
    assert notices[0].escalated_to == desk.name
    assert context.incidents.get(incident.id).group_name == desk.name
    with context.incidents._env.sessions() as session:
        names = list(session.scalars(select(OutboxEntry.name).where(OutboxEntry.entity_id == incident.id)))
    assert names.count("escalate") == 1
    note = context.incidents.get(incident.id).notes[-1]
    assert "Automatic SLA escalation: the resolution clock has used 75% of the P1 target of 4 h." in note.body
    assert context.sla.check_alerts() == []  # told once
    clock.advance(hours=1)
    breach = context.sla.check_alerts()
    assert [(n.clock, n.state, n.escalated_to) for n in breach] == [(ClockKind.RESOLUTION, ClockState.BREACHED, None)]
    assert context.sla.check_alerts() == []


def test_breaching_soon_lists_warnings_soonest_first_and_records_nothing(
    context: AppContext, clock: FixedClock
) -> None:
    first = make_incident(context, "Printer queue stuck", impact=1, urgency=1)  # P1: 1 h response
    clock.advance(minutes=10)
    second = make_incident(context, "Second floor switch", impact=1, urgency=1)
    quiet = make_incident(context, "New mouse please")  # P5
    clock.advance(minutes=40)  # 50 and 40 of 60 response minutes: the first is past 75 %, the second not
    assert [(i, c.kind) for i, c in context.sla.breaching_soon()] == [(first.id, ClockKind.RESPONSE)]
    clock.advance(minutes=6)  # 56 and 46 minutes
    assert [i for i, _ in context.sla.breaching_soon()] == [first.id, second.id]
    assert quiet.id not in {i for i, _ in context.sla.breaching_soon()}
    assert len(context.sla.check_alerts()) == 2  # breaching_soon told nobody


def test_an_old_incident_that_starts_warning_is_told_however_much_newer_work_there_is(
    context: AppContext, clock: FixedClock
) -> None:
    """Alerts come from the stored deadlines, not from a window of the newest open incidents."""
    old = make_incident(context, "Core switch down", impact=1, urgency=1)  # P1: 1 h response, 24×7
    template = make_incident(context, "New mouse please")  # P5, cloned below as the newer work
    clock.advance(minutes=50)  # the P1's response clock is past 75 %
    newer = 2_100
    with context.incidents._env.sessions() as session:
        columns = [row[1] for row in session.execute(text("PRAGMA table_info(incidents)"))]
        replaced = {
            "id": "lower(hex(randomblob(16)))",
            "number": "(SELECT max(number) FROM incidents) + n",
            "reported_at": ":now",
            "created_at": ":now",
        }
        chosen = ", ".join(replaced.get(column, column) for column in columns)
        session.execute(
            text(
                f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count) "
                f"INSERT INTO incidents ({', '.join(columns)}) SELECT {chosen} FROM seq, incidents "
                "WHERE incidents.id = :template"
            ),
            {"count": newer, "now": clock().replace(tzinfo=None), "template": template.id.hex},
        )
        session.commit()
    notices = context.sla.check_alerts()
    assert (old.id, ClockKind.RESPONSE, ClockState.WARNING) in {(n.incident_id, n.clock, n.state) for n in notices}
    assert [i for i, _ in context.sla.breaching_soon()] == [old.id]
