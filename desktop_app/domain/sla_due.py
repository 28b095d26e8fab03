"""An incident's next SLA deadlines, as stored for the "Breaching soon" view.

Only running clocks count: a held incident's resolution clock is paused (even one already past
its target: nothing runs, so nothing is about to breach), and stopped clocks are done. Between
changes to the incident the moments stay true, because a running clock only moves with the
calendar: computed now or in an hour, "passes 75% at 14:20" is the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sla import ClockKind, ClockState, ClockStatus, SlaPolicy, SlaStatus

RUNNING_STATES = (ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED)


@dataclass(frozen=True)
class SlaDeadline:
    warn_at: datetime | None  # when the first running clock passes the warning share (past once it has)
    due_at: datetime | None  # when that clock breaches (or did)
    clock: ClockKind | None
    paused: bool


def next_deadline(sla: SlaStatus, policy: SlaPolicy, on_hold: bool) -> SlaDeadline | None:
    """The earliest warning of the running clocks; ``None`` when no clock runs or waits (finished)."""
    if on_hold:
        paused = any(clock.state.is_open for clock in sla.clocks)
        return SlaDeadline(None, None, None, True) if paused else None
    running = [clock for clock in sla.clocks if clock.state in RUNNING_STATES]
    if not running:
        return None
    warnings = [(_warn_at(clock, sla, policy), clock) for clock in running]
    known = [(moment, clock) for moment, clock in warnings if moment is not None]
    if not known:
        return SlaDeadline(None, None, running[0].kind, False)
    warn_at, clock = min(known, key=lambda pair: pair[0])
    return SlaDeadline(warn_at, clock.due_at, clock.kind, False)


def _warn_at(clock: ClockStatus, sla: SlaStatus, policy: SlaPolicy) -> datetime | None:
    if clock.state == ClockState.BREACHED:
        return clock.due_at or sla.computed_at
    if clock.share >= sla.warn_share:
        return sla.computed_at  # already warning; when exactly does not matter to "has it passed"
    calendar = policy.targets[clock.priority].calendar
    try:
        return calendar.add_business_time(sla.computed_at, clock.target * (sla.warn_share - clock.share))
    except ValidationError:
        return None  # a calendar open so rarely that the moment lies years away
