"""SLA clocks on worked examples whose answers were counted by hand on a calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sla import (
    ClockState,
    HistoryEvent,
    SlaFacts,
    SlaPolicy,
    SlaTarget,
    compute_sla,
)
from desktop_app.domain.sla_calendar import BusinessCalendar, parse_hours

LONDON = ZoneInfo("Europe/London")
# Monday 31 August 2026 is the Late Summer bank holiday in England.
OFFICE = BusinessCalendar.from_hours(
    "Office", "Europe/London", dict.fromkeys(range(5), "08:00-18:00"), frozenset({date(2026, 8, 31)})
)
ALWAYS = BusinessCalendar.always_open()


def policy(warn_share: float = 0.75) -> SlaPolicy:
    hours = timedelta(hours=1)
    return SlaPolicy(
        {
            Priority.P1: SlaTarget(1 * hours, 4 * hours, ALWAYS),
            Priority.P2: SlaTarget(2 * hours, 8 * hours, OFFICE),
            Priority.P3: SlaTarget(4 * hours, 30 * hours, OFFICE),
            Priority.P4: SlaTarget(10 * hours, 50 * hours, OFFICE),
            Priority.P5: SlaTarget(20 * hours, 100 * hours, OFFICE),
        },
        warn_share,
    )


def london(day: int, hour: int, minute: int = 0, month: int = 8) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def event(at: datetime, field: str, old: str, new: str) -> HistoryEvent:
    return HistoryEvent(at, field, old, new)


FRIDAY_5PM = london(28, 17)


def test_friday_5pm_p2_runs_one_hour_on_friday_then_skips_the_weekend_and_the_bank_holiday() -> None:
    facts = SlaFacts(FRIDAY_5PM, Status.NEW, Priority.P2)
    status = compute_sla(facts, policy(), london(29, 12))  # Saturday noon
    # Friday 17:00-18:00 counted; Saturday, Sunday and Monday 31 (holiday) do not.
    assert status.resolution.used == timedelta(hours=1)
    assert status.resolution.remaining == timedelta(hours=7)
    # Response: 1 h on Friday, 1 h from Tuesday 08:00 → due Tuesday 09:00.
    assert status.response.due_at == london(1, 9, month=9)
    # Resolution: 1 h on Friday, 7 h from Tuesday 08:00 → due Tuesday 15:00.
    assert status.resolution.due_at == london(1, 15, month=9)
    assert status.resolution.state == ClockState.RUNNING


def test_the_bank_holiday_monday_does_not_count() -> None:
    facts = SlaFacts(FRIDAY_5PM, Status.NEW, Priority.P2)
    monday_evening = compute_sla(facts, policy(), london(31, 19))
    assert monday_evening.resolution.used == timedelta(hours=1)


def test_friday_p2_response_met_on_tuesday_and_a_hold_pushes_the_resolution_due_time() -> None:
    events = (
        event(london(1, 8, 30, month=9), "status", "new", "in_progress"),
        event(london(1, 10, month=9), "status", "in_progress", "on_hold"),
        event(london(1, 11, 30, month=9), "status", "on_hold", "in_progress"),
    )
    facts = SlaFacts(FRIDAY_5PM, Status.IN_PROGRESS, Priority.P2, events)
    during_hold = compute_sla(facts, policy(), london(1, 11, month=9))
    assert during_hold.response.state == ClockState.MET
    assert during_hold.response.stopped_at == london(1, 8, 30, month=9)
    assert during_hold.response.used == timedelta(hours=1, minutes=30)
    assert during_hold.resolution.state == ClockState.PAUSED
    # Friday 1 h + Tuesday 08:00-10:00 2 h = 3 h used; the hold adds nothing.
    assert during_hold.resolution.used == timedelta(hours=3)
    assert during_hold.resolution.due_at is None
    after = compute_sla(facts, policy(), london(1, 12, month=9))
    # 3 h + 11:30-12:00 = 3.5 h used; 4.5 h left from 12:00 → 16:30.
    assert after.resolution.used == timedelta(hours=3, minutes=30)
    assert after.resolution.due_at == london(1, 16, 30, month=9)


def test_breach_time_and_overdue_after_the_deadline() -> None:
    facts = SlaFacts(FRIDAY_5PM, Status.ASSIGNED, Priority.P2)
    late = compute_sla(facts, policy(), london(1, 17, month=9))  # Tuesday 17:00
    assert late.response.state == ClockState.BREACHED
    assert late.response.due_at == london(1, 9, month=9)
    assert late.resolution.state == ClockState.BREACHED
    assert late.resolution.due_at == london(1, 15, month=9)
    assert late.resolution.overdue == timedelta(hours=2)
    assert late.resolution.remaining == timedelta()


def test_warning_at_the_configured_share() -> None:
    facts = SlaFacts(FRIDAY_5PM, Status.IN_PROGRESS, Priority.P2)
    # 6 h of 8 used at Tuesday 13:00: exactly 75 %.
    assert compute_sla(facts, policy(), london(1, 12, 59, month=9)).resolution.state == ClockState.RUNNING
    assert compute_sla(facts, policy(), london(1, 13, month=9)).resolution.state == ClockState.WARNING
    assert compute_sla(facts, policy(0.9), london(1, 13, month=9)).resolution.state == ClockState.RUNNING


def test_reprioritising_keeps_the_share_used() -> None:
    # Logged P3 on Tuesday 08:00; 3 h (10 % of 30 h) later it becomes P2: 90 % of 8 h is left.
    events = (event(london(1, 11, month=9), "priority", "P3", "P2"),)
    facts = SlaFacts(london(1, 8, month=9), Status.IN_PROGRESS, Priority.P2, events)
    status = compute_sla(facts, policy(), london(1, 11, month=9))
    assert status.resolution.priority == Priority.P2
    assert status.resolution.share == pytest.approx(0.1)
    assert status.resolution.remaining == timedelta(hours=7, minutes=12)
    assert status.resolution.due_at == london(2, 8, 12, month=9)


def test_upgrade_to_p1_switches_to_the_round_the_clock_calendar() -> None:
    events = (event(london(28, 17, 30), "priority", "P2", "P1"),)
    facts = SlaFacts(FRIDAY_5PM, Status.IN_PROGRESS, Priority.P1, events)
    status = compute_sla(facts, policy(), london(28, 19))
    # 30 min of P2's 8 h (1/16) then 1.5 h of P1's 4 h: 1/16 + 3/8 = 7/16 of 4 h = 1 h 45 min.
    assert status.resolution.used == timedelta(hours=1, minutes=45)
    assert status.resolution.due_at == london(28, 21, 15)


def test_resolve_stops_and_reopen_resumes_the_resolution_clock() -> None:
    events = (
        event(london(1, 9, month=9), "status", "new", "in_progress"),
        event(london(1, 10, month=9), "status", "in_progress", "resolved"),
        event(london(2, 10, month=9), "status", "resolved", "in_progress"),
    )
    facts = SlaFacts(FRIDAY_5PM, Status.IN_PROGRESS, Priority.P2, events)
    resolved = compute_sla(facts, policy(), london(1, 12, month=9))
    assert resolved.resolution.state == ClockState.MET
    assert resolved.resolution.stopped_at == london(1, 10, month=9)
    reopened = compute_sla(facts, policy(), london(2, 11, month=9))
    # Friday 1 h + Tuesday 2 h + Wednesday 10:00-11:00 1 h.
    assert reopened.resolution.used == timedelta(hours=4)
    assert reopened.resolution.state == ClockState.RUNNING


def test_cancel_stops_both_clocks_unmeasured() -> None:
    events = (event(london(1, 9, month=9), "status", "new", "canceled"),)
    status = compute_sla(SlaFacts(FRIDAY_5PM, Status.CANCELED, Priority.P2, events), policy(), london(9, 9, month=9))
    assert {clock.state for clock in status.clocks} == {ClockState.CANCELED}


def test_daylight_saving_change_keeps_local_opening_hours() -> None:
    # Clocks go forward on Sunday 29 March 2026: Friday closes at 18:00 GMT = 18:00 UTC, Monday
    # opens at 08:00 BST = 07:00 UTC. Half an hour on Friday, half an hour on Monday.
    monday = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    friday = datetime(2026, 3, 27, 17, 30, tzinfo=UTC)
    assert OFFICE.add_business_time(friday, timedelta(hours=1)) == monday + timedelta(minutes=30)
    assert OFFICE.business_time(datetime(2026, 3, 27, 12, 0, tzinfo=UTC), monday) == timedelta(hours=6)


def test_opening_hours_text_is_checked() -> None:
    assert parse_hours("13:00-18:00, 08:00-12:00") == ((480, 720), (780, 1080))
    assert parse_hours("24h") == ((0, 1440),)
    with pytest.raises(ValidationError):
        parse_hours("18:00-08:00")
    with pytest.raises(ValidationError):
        parse_hours("8 to 6")
    with pytest.raises(ValidationError):
        BusinessCalendar.from_hours("Never", "Europe/London", {})
    with pytest.raises(ValidationError):
        BusinessCalendar.from_hours("Mars", "Mars/Olympus_Mons", {0: "08:00-18:00"})
