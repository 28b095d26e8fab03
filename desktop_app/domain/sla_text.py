"""Words for SLA clocks, shared by the detail panel, the notifier and the CLI."""

from __future__ import annotations

from datetime import datetime

from desktop_app.domain.sla import ClockState, ClockStatus
from desktop_app.domain.sla_config import format_duration


def local_time(moment: datetime, now: datetime | None = None) -> str:
    """``15:00`` today, ``Tue 1 Sep 15:00`` on another day, in this computer's time zone."""
    local = moment.astimezone()
    if now is not None and local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def clock_parts(clock: ClockStatus, now: datetime | None = None) -> tuple[str, str]:
    """The headline (time left or over, the due time) and the detail (target, share used)."""
    target = f"{clock.priority.value} target {format_duration(clock.target)}"
    if clock.state in (ClockState.RUNNING, ClockState.WARNING):
        due = f" · due {local_time(clock.due_at, now)}" if clock.due_at else ""
        return f"{format_duration(clock.remaining)} left{due}", f"{target} · {clock.share:.0%} used"
    if clock.state == ClockState.PAUSED:
        return f"{format_duration(clock.remaining)} left · paused while on hold", target
    if clock.state == ClockState.BREACHED:
        due = f" · was due {local_time(clock.due_at, now)}" if clock.due_at else ""
        return f"{format_duration(clock.overdue)} over{due}", target
    if clock.state == ClockState.CANCELED:
        return "not measured: the incident was canceled", target
    stopped = f" at {local_time(clock.stopped_at, now)}" if clock.stopped_at else ""
    if clock.state == ClockState.MISSED:
        return f"done{stopped} · {format_duration(clock.overdue)} late", target
    return f"done{stopped} · {format_duration(clock.remaining)} to spare", target


def clock_text(clock: ClockStatus, now: datetime | None = None) -> str:
    headline, detail = clock_parts(clock, now)
    return f"{clock.state.label}: {headline} ({detail})"
