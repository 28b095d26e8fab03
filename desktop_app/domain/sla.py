"""SLA clocks computed on read from an incident's history (DESIGN §3).

Two clocks per incident:
- **response** runs from logging until an agent first works it (In Progress, On Hold or later);
- **resolution** runs from logging until it is resolved, closed or canceled, and again after a reopen.

Both count only the open hours of the calendar of the priority the incident had at the time, and
neither counts while the incident is On Hold. Re-prioritising keeps the share already used: an
hour of a P3's 30-hour target used 1/30 of it, and after a change to P2 the rest of that clock is
(1 − 1/30) of P2's 8 hours. So the result is the same whenever it is computed, from any storage
order of the events, and an edit to the history (a synced offline hold) recomputes everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sla_calendar import BusinessCalendar

DEFAULT_WARN_SHARE = 0.75
# Statuses in which the response clock has stopped: someone has started to work the incident.
RESPONDED = frozenset({Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED})
# Statuses in which the resolution clock stands still for good (until a reopen).
FINISHED = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELED})
TRACKED_FIELDS = ("status", "priority")


class ClockKind(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ClockState(StrEnum):
    RUNNING = "running"  # counting, within target
    WARNING = "warning"  # counting, past the warning share
    PAUSED = "paused"  # On Hold: not counting
    BREACHED = "breached"  # past the target and still open
    MET = "met"  # stopped within target
    MISSED = "missed"  # stopped after the target
    CANCELED = "canceled"  # canceled before the clock stopped: not measured

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_open(self) -> bool:
        return self in (ClockState.RUNNING, ClockState.WARNING, ClockState.PAUSED, ClockState.BREACHED)


@dataclass(frozen=True)
class SlaTarget:
    response: timedelta
    resolution: timedelta
    calendar: BusinessCalendar

    def __post_init__(self) -> None:
        if self.response <= timedelta() or self.resolution <= timedelta():
            raise ValidationError("SLA targets must be longer than zero.", field="target")

    def for_clock(self, kind: ClockKind) -> timedelta:
        return self.response if kind == ClockKind.RESPONSE else self.resolution


@dataclass(frozen=True)
class SlaPolicy:
    """Targets per priority and the share of a target at which to warn."""

    targets: Mapping[Priority, SlaTarget]
    warn_share: float = DEFAULT_WARN_SHARE

    def __post_init__(self) -> None:
        missing = [p.value for p in Priority if p not in self.targets]
        if missing:
            raise ValidationError(f"The SLA policy has no targets for {', '.join(missing)}.", field="priority")
        check_warn_share(self.warn_share)


def check_warn_share(share: float) -> float:
    if not 0.05 <= share <= 0.99:
        raise ValidationError("Warn when between 5% and 99% of a target is used.", field="warn_share")
    return share


@dataclass(frozen=True)
class HistoryEvent:
    """One audited change of a tracked field, at the moment it happened."""

    at: datetime
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class SlaFacts:
    """What the clocks are computed from: the incident as it is now, plus its tracked history."""

    reported_at: datetime
    status: Status
    priority: Priority
    events: tuple[HistoryEvent, ...] = ()


@dataclass(frozen=True)
class ClockStatus:
    kind: ClockKind
    state: ClockState
    priority: Priority  # whose target the figures below are expressed in (the current one)
    target: timedelta
    used: timedelta  # open, unpaused time used, in the current target's terms
    share: float  # used / target
    due_at: datetime | None  # when it breaches if nothing pauses it (running), or when it did breach
    stopped_at: datetime | None  # when it was met, missed or canceled

    @property
    def remaining(self) -> timedelta:
        return max(self.target - self.used, timedelta())

    @property
    def overdue(self) -> timedelta:
        return max(self.used - self.target, timedelta())

    @property
    def is_breached(self) -> bool:
        return self.state in (ClockState.BREACHED, ClockState.MISSED)


@dataclass(frozen=True)
class SlaStatus:
    response: ClockStatus
    resolution: ClockStatus
    warn_share: float
    computed_at: datetime

    @property
    def clocks(self) -> tuple[ClockStatus, ClockStatus]:
        return (self.response, self.resolution)

    @property
    def most_urgent(self) -> ClockStatus:
        """The open clock closest to (or furthest past) its target; the resolution clock otherwise."""
        open_clocks = [clock for clock in self.clocks if clock.state.is_open]
        if not open_clocks:
            return self.resolution
        return max(open_clocks, key=lambda clock: clock.share)


def compute_sla(facts: SlaFacts, policy: SlaPolicy, now: datetime) -> SlaStatus:
    """Both clocks as of ``now`` (events after ``now`` are ignored, so this also answers "as of then")."""
    now = max(now.astimezone(UTC), facts.reported_at.astimezone(UTC))
    segments = list(_segments(facts, now))
    return SlaStatus(
        response=_clock(ClockKind.RESPONSE, segments, policy, now),
        resolution=_clock(ClockKind.RESOLUTION, segments, policy, now),
        warn_share=policy.warn_share,
        computed_at=now,
    )


# --- the history as a sequence of states ---------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    start: datetime
    end: datetime
    status: Status
    priority: Priority


def _segments(facts: SlaFacts, now: datetime) -> Iterable[_Segment]:
    """Consecutive stretches from logging to ``now`` with the status and priority in force."""
    start = facts.reported_at.astimezone(UTC)
    by_field: dict[str, list[HistoryEvent]] = defaultdict(list)
    for event in facts.events:
        if event.field in TRACKED_FIELDS:
            by_field[event.field].append(event)
    status_changes = _ordered(by_field["status"])
    priority_changes = _ordered(by_field["priority"])
    status = _initial(status_changes, facts.status.value)
    priority = _initial(priority_changes, facts.priority.value)
    moments = sorted({max(e.at.astimezone(UTC), start) for e in status_changes + priority_changes})
    cursor = start
    changes = {"status": _by_moment(status_changes, start), "priority": _by_moment(priority_changes, start)}
    for moment in [*moments, now]:
        if moment > now:
            break
        if moment > cursor:
            yield _Segment(cursor, moment, _status(status), _priority(priority))
            cursor = moment
        if moment in changes["status"]:
            status = changes["status"][moment]
        if moment in changes["priority"]:
            priority = changes["priority"][moment]
    # Always a last (possibly empty) stretch: it carries the state in force at ``now``.
    yield _Segment(cursor, now, _status(status), _priority(priority))


def _ordered(events: list[HistoryEvent]) -> list[HistoryEvent]:
    """Events by time; changes at the same instant chained old → new, so storage order never matters."""
    by_time: dict[datetime, list[HistoryEvent]] = defaultdict(list)
    for event in events:
        by_time[event.at.astimezone(UTC)].append(event)
    ordered: list[HistoryEvent] = []
    for moment in sorted(by_time):
        group = sorted(by_time[moment], key=lambda e: (e.old or "", e.new or ""))
        ordered.extend(_chain(group, ordered[-1].new if ordered else None))
    return ordered


def _chain(group: list[HistoryEvent], before: str | None) -> list[HistoryEvent]:
    """Order same-instant changes so each starts where the previous ended; ties by value."""
    if len(group) == 1:
        return group
    pending = list(group)
    news = {e.new for e in group}
    # Start from the state before the instant, else from the change nobody else leads into.
    value = before if before is not None else next((e.old for e in pending if e.old not in news), pending[0].old)
    chained: list[HistoryEvent] = []
    while pending:
        step = next((e for e in pending if e.old == value), pending[0])
        pending.remove(step)
        chained.append(step)
        value = step.new
    return chained


def _initial(changes: list[HistoryEvent], current: str) -> str:
    return changes[0].old or current if changes else current


def _by_moment(changes: list[HistoryEvent], start: datetime) -> dict[datetime, str]:
    """The value in force after each instant (the last of a same-instant chain wins)."""
    after: dict[datetime, str] = {}
    for event in changes:
        if event.new is not None:
            after[max(event.at.astimezone(UTC), start)] = event.new
    return after


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.IN_PROGRESS  # an unknown status from a newer client: count it as being worked


def _priority(value: str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        return Priority.P3


# --- one clock -----------------------------------------------------------------------------


def _clock(kind: ClockKind, segments: list[_Segment], policy: SlaPolicy, now: datetime) -> ClockStatus:
    share = 0.0
    breached_at: datetime | None = None
    stopped_at: datetime | None = None
    canceled = False
    last_status, last_priority = segments[-1].status, segments[-1].priority
    for segment in segments:
        if kind == ClockKind.RESPONSE and segment.status in RESPONDED:
            stopped_at = segment.start
            break
        if segment.status == Status.CANCELED:
            stopped_at, canceled = segment.start, True
            break
        if segment.status in FINISHED or segment.status == Status.ON_HOLD:
            continue  # resolved (a reopen resumes the clock) or paused
        target = policy.targets[segment.priority]
        allowed = target.for_clock(kind)
        used = target.calendar.business_time(segment.start, segment.end)
        if breached_at is None and share + used / allowed >= 1.0:
            breached_at = target.calendar.add_business_time(segment.start, (1.0 - share) * allowed)
        share += used / allowed
    if kind == ClockKind.RESOLUTION and stopped_at is None and last_status in FINISHED:
        stopped_at = _finished_at(segments)
    current = policy.targets[last_priority]
    allowed = current.for_clock(kind)
    used = share * allowed
    state = _state(share, policy.warn_share, stopped_at, canceled, last_status, kind)
    due_at = breached_at
    if state in (ClockState.RUNNING, ClockState.WARNING):
        due_at = _projected(current.calendar, now, allowed - used)
    elif state == ClockState.PAUSED:
        due_at = None  # unknown until the hold ends
    return ClockStatus(kind, state, last_priority, allowed, used, share, due_at, stopped_at)


def _projected(calendar: BusinessCalendar, now: datetime, left: timedelta) -> datetime | None:
    try:
        return calendar.add_business_time(now, left)
    except ValidationError:
        return None  # a calendar open so rarely that the target lies years away: due time unknown


def _finished_at(segments: list[_Segment]) -> datetime | None:
    """Start of the final resolved/closed stretch (after any reopen)."""
    finished_at = None
    for segment in segments:
        finished_at = finished_at or segment.start if segment.status in FINISHED else None
    return finished_at


def _state(
    share: float, warn_share: float, stopped_at: datetime | None, canceled: bool, status: Status, kind: ClockKind
) -> ClockState:
    if canceled:
        return ClockState.CANCELED
    if stopped_at is not None:
        return ClockState.MISSED if share > 1.0 else ClockState.MET
    if share >= 1.0:
        return ClockState.BREACHED
    if status == Status.ON_HOLD and kind == ClockKind.RESOLUTION:
        return ClockState.PAUSED
    if share >= warn_share:
        return ClockState.WARNING
    return ClockState.RUNNING
