"""SLA configuration as plain data (what the settings page edits and the service stores).

``SlaConfig.policy()`` checks it and turns it into the domain's ``SlaPolicy``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.ids import format_number
from desktop_app.domain.sla import ClockKind, ClockState, SlaPolicy, SlaTarget, check_warn_share
from desktop_app.domain.sla_calendar import BusinessCalendar, check_time_zone, parse_hours

MAX_TARGET_MINUTES = 365 * 24 * 60


@dataclass(frozen=True)
class HolidayConfig:
    day: date
    name: str


@dataclass(frozen=True)
class CalendarConfig:
    id: uuid.UUID
    name: str
    time_zone: str
    week_hours: tuple[str, ...]  # Monday first: "08:00-18:00", "" when closed, "24h"
    holidays: tuple[HolidayConfig, ...] = ()

    def calendar(self) -> BusinessCalendar:
        if not self.name.strip():
            raise ValidationError("Every calendar needs a name.", field="calendar")
        check_time_zone(self.time_zone)
        week = tuple(parse_hours(text) for text in self.week_hours)
        return BusinessCalendar(self.name, self.time_zone, week, frozenset(h.day for h in self.holidays))

    def with_holidays(self, extra: list[HolidayConfig]) -> CalendarConfig:
        known = {h.day for h in self.holidays}
        merged = [*self.holidays, *(h for h in extra if h.day not in known)]
        return replace(self, holidays=tuple(sorted(merged, key=lambda h: h.day)))


@dataclass(frozen=True)
class TargetConfig:
    priority: Priority
    response_minutes: int
    resolution_minutes: int
    calendar_id: uuid.UUID


@dataclass(frozen=True)
class SlaConfig:
    calendars: tuple[CalendarConfig, ...]
    targets: tuple[TargetConfig, ...]
    warn_share: float = 0.75
    auto_escalate: bool = False
    escalation_group_id: uuid.UUID | None = None

    def calendar_named(self, calendar_id: uuid.UUID) -> CalendarConfig:
        for calendar in self.calendars:
            if calendar.id == calendar_id:
                return calendar
        raise ValidationError("That SLA calendar no longer exists.", field="calendar")

    def policy(self) -> SlaPolicy:
        """Check every part and build the policy the clocks use."""
        names = [c.name.strip().lower() for c in self.calendars]
        if len(set(names)) != len(names):
            raise ValidationError("Two SLA calendars have the same name.", field="calendar")
        calendars = {c.id: c.calendar() for c in self.calendars}
        targets = {}
        for target in self.targets:
            for label, minutes in (("response", target.response_minutes), ("resolution", target.resolution_minutes)):
                if not 1 <= minutes <= MAX_TARGET_MINUTES:
                    raise ValidationError(
                        f"The {target.priority.value} {label} target must be between 1 minute and a year.",
                        field="target",
                    )
            if target.calendar_id not in calendars:
                raise ValidationError(f"The {target.priority.value} target names no calendar.", field="calendar")
            targets[target.priority] = SlaTarget(
                timedelta(minutes=target.response_minutes),
                timedelta(minutes=target.resolution_minutes),
                calendars[target.calendar_id],
            )
        if self.auto_escalate and self.escalation_group_id is None:
            raise ValidationError("Automatic escalation needs a group to escalate to.", field="escalation_group")
        return SlaPolicy(targets, check_warn_share(self.warn_share))


@dataclass(frozen=True)
class SlaAlertNotice:
    """An incident whose clock just passed the warning share or its target (told once per level)."""

    incident_id: uuid.UUID
    number: int | None
    title: str
    clock: ClockKind
    state: ClockState
    due_at: datetime | None
    escalated_to: str | None = None

    @property
    def display_number(self) -> str:
        return format_number(self.number)


def format_duration(amount: timedelta) -> str:
    """``45 min``, ``2 h 05 min``, ``100 h``: open (business) time, so never in days, which would mislead."""
    minutes = int(amount.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
