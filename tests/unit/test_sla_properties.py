"""Properties of the SLA clocks over random histories of holds, re-prioritisations and calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.sla import (
    ClockKind,
    ClockState,
    HistoryEvent,
    SlaFacts,
    SlaPolicy,
    SlaTarget,
    compute_sla,
)
from desktop_app.domain.sla_calendar import MINUTES_PER_DAY, BusinessCalendar

START = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)  # a week before a daylight-saving change in Europe
ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")
WORK_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    if draw(st.booleans()):
        return ()
    # At least an hour when open, so a 60-hour target is always reached within the search limit.
    start = draw(st.integers(0, MINUTES_PER_DAY - 60))
    end = draw(st.integers(start + 60, MINUTES_PER_DAY))
    return ((start, end),)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    if draw(st.booleans()):
        return BusinessCalendar.always_open()
    week = tuple(draw(day_hours()) for _ in range(7))
    if not any(week):
        week = (((480, 1080),), *week[1:])
    holidays = draw(st.frozensets(st.dates(date(2026, 3, 18), date(2026, 5, 30)), max_size=6))
    return BusinessCalendar("random", draw(st.sampled_from(ZONES)), week, holidays)


@st.composite
def policies(draw: st.DrawFn) -> SlaPolicy:
    minutes = st.integers(15, 60 * 60)
    targets = {}
    for priority in Priority:
        response, resolution = sorted((draw(minutes), draw(minutes)))
        targets[priority] = SlaTarget(timedelta(minutes=response), timedelta(minutes=resolution), draw(calendars()))
    return SlaPolicy(targets, draw(st.floats(0.05, 0.99)))


@st.composite
def histories(draw: st.DrawFn) -> SlaFacts:
    """A walk through work, holds and priority changes, as the services would audit it."""
    status, priority = Status.NEW, draw(st.sampled_from(list(Priority)))
    at = START
    events: list[HistoryEvent] = []
    for _ in range(draw(st.integers(0, 12))):
        # Zero gaps too: several changes at one instant must not depend on storage order.
        at += timedelta(minutes=draw(st.sampled_from([0, 0, 5, 45, 300, 1440, 4000])))
        if draw(st.booleans()):
            new_priority = draw(st.sampled_from([p for p in Priority if p != priority]))
            events.append(HistoryEvent(at, "priority", priority.value, new_priority.value))
            priority = new_priority
        else:
            choices = [Status.ON_HOLD] if status != Status.ON_HOLD else list(WORK_STATUSES)
            choices += [s for s in WORK_STATUSES if s != status] + [Status.RESOLVED]
            if status == Status.RESOLVED:
                choices = [Status.IN_PROGRESS]
            new_status = draw(st.sampled_from(choices))
            events.append(HistoryEvent(at, "status", status.value, new_status.value))
            status = new_status
    return SlaFacts(START, status, priority, tuple(events))


def moments() -> st.SearchStrategy[datetime]:
    return st.integers(0, 60 * 24 * 40).map(lambda minutes: START + timedelta(minutes=minutes))


@PROPERTY_SETTINGS
@given(histories(), policies(), moments(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_events_were_stored_in(facts, policy, now, random) -> None:
    shuffled = list(facts.events)
    random.shuffle(shuffled)
    again = SlaFacts(facts.reported_at, facts.status, facts.priority, tuple(shuffled))
    assert compute_sla(again, policy, now) == compute_sla(facts, policy, now)


@PROPERTY_SETTINGS
@given(histories(), policies(), moments())
def test_remaining_never_goes_negative_and_is_zero_only_once_the_deadline_has_passed(facts, policy, now) -> None:
    for clock in compute_sla(facts, policy, now).clocks:
        assert clock.remaining >= timedelta()
        assert clock.used >= timedelta()
        if clock.state in (ClockState.RUNNING, ClockState.WARNING, ClockState.PAUSED):
            assert clock.remaining > timedelta()
        if clock.state in (ClockState.RUNNING, ClockState.WARNING):
            assert clock.due_at is not None
            assert clock.due_at > now
        if clock.state == ClockState.BREACHED:
            assert clock.due_at is not None
            assert clock.due_at <= now


@PROPERTY_SETTINGS
@given(histories(), policies(), moments(), moments())
def test_used_time_only_grows_and_a_clock_is_never_breached_before_its_due_time(facts, policy, a, b) -> None:
    earlier, later = sorted((a, b))
    before, after = compute_sla(facts, policy, earlier), compute_sla(facts, policy, later)
    for kind in ClockKind:
        first = before.resolution if kind == ClockKind.RESOLUTION else before.response
        second = after.resolution if kind == ClockKind.RESOLUTION else after.response
        assert second.share >= first.share - 1e-9
        if second.state == ClockState.BREACHED and second.due_at is not None and earlier < second.due_at:
            assert not first.is_breached


@PROPERTY_SETTINGS
@given(histories(), policies(), st.integers(1, 20 * 24 * 60), st.integers(0, 12))
def test_time_on_hold_never_counts(facts, policy, hold_minutes, position) -> None:
    """Insert a hold into a history that is being worked: the resolution clock stands still through it."""
    worked = _worked(facts)
    events = list(worked.events)
    index = min(position, len(events))
    hold_start = events[index - 1].at + timedelta(minutes=1) if index else START + timedelta(minutes=1)
    hold_end = hold_start + timedelta(minutes=hold_minutes)
    status_then = _status_at(worked, hold_start)
    if status_then in (Status.ON_HOLD, Status.RESOLVED):
        return
    held = SlaFacts(
        START,
        worked.status,
        worked.priority,
        (
            *[e for e in events if e.at < hold_start],
            HistoryEvent(hold_start, "status", status_then.value, Status.ON_HOLD.value),
            HistoryEvent(hold_end, "status", Status.ON_HOLD.value, status_then.value),
            *[_shift(e, hold_end - hold_start) for e in events if e.at >= hold_start],
        ),
    )
    at_start = compute_sla(held, policy, hold_start).resolution
    during = compute_sla(held, policy, hold_start + (hold_end - hold_start) / 2).resolution
    at_end = compute_sla(held, policy, hold_end).resolution
    assert during.used == at_start.used
    assert at_end.used == at_start.used
    assert during.state in (ClockState.PAUSED, ClockState.BREACHED)
    # And what follows the hold counts exactly as it did without it, shifted by the hold.
    later = hold_end + timedelta(days=3)
    without = compute_sla(worked, policy, later - (hold_end - hold_start)).resolution
    if all(target.calendar.is_always_open for target in policy.targets.values()):
        assert abs(compute_sla(held, policy, later).resolution.share - without.share) < 1e-9


@PROPERTY_SETTINGS
@given(st.sampled_from(list(Priority)), st.integers(0, 60 * 24 * 30))
def test_round_the_clock_with_no_history_counts_wall_time(priority, minutes) -> None:
    targets = {p: SlaTarget(timedelta(hours=1), timedelta(hours=4), BusinessCalendar.always_open()) for p in Priority}
    status = compute_sla(SlaFacts(START, Status.NEW, priority), SlaPolicy(targets), START + timedelta(minutes=minutes))
    assert status.resolution.used == timedelta(minutes=minutes)


@PROPERTY_SETTINGS
@given(calendars(), moments(), moments(), st.integers(0, 60 * 24 * 3))
def test_calendar_arithmetic_adds_up(calendar, a, b, minutes) -> None:
    earlier, later = sorted((a, b))
    middle = earlier + (later - earlier) / 3
    assert calendar.business_time(earlier, later) == calendar.business_time(earlier, middle) + calendar.business_time(
        middle, later
    )
    assert calendar.business_time(earlier, later) <= later - earlier
    amount = timedelta(minutes=minutes)
    reached = calendar.add_business_time(earlier, amount)
    assert calendar.business_time(earlier, reached) == amount


@PROPERTY_SETTINGS
@given(calendars(), st.lists(st.tuples(st.integers(-800, 800), st.integers(-10, 800)), min_size=1, max_size=6))
def test_business_time_is_the_sum_of_the_open_stretches_over_any_span_in_any_order(calendar, spans) -> None:
    """The running sums behind business_time (spans of years, asked for earlier and later days in
    turn, so they grow both ways) give what walking the open stretches day by day gives."""
    for start_days, length_days in spans:
        start = START + timedelta(days=start_days, minutes=start_days * 37 % 1440)
        end = start + timedelta(days=length_days, minutes=length_days * 53 % 1440)
        walked = sum((hi - lo for lo, hi in calendar.open_intervals(start, end)), timedelta())
        assert calendar.business_time(start, end) == walked


def _worked(facts: SlaFacts) -> SlaFacts:
    """The same history without holds (each hold and its release dropped)."""
    events = [e for e in facts.events if not (e.field == "status" and Status.ON_HOLD.value in (e.old, e.new))]
    status = Status.NEW
    kept = []
    for event in events:
        if event.field == "status":
            if event.new == status.value:
                continue
            event = HistoryEvent(event.at, "status", status.value, event.new)
            status = Status(event.new or "new")
        kept.append(event)
    return SlaFacts(facts.reported_at, status, facts.priority, tuple(kept))


def _status_at(facts: SlaFacts, moment: datetime) -> Status:
    status = Status.NEW
    for event in facts.events:
        if event.field == "status" and event.at <= moment:
            status = Status(event.new or "new")
    return status


def _shift(event: HistoryEvent, by: timedelta) -> HistoryEvent:
    return HistoryEvent(event.at + by, event.field, event.old, event.new)
