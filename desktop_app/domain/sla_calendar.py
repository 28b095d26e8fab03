"""Business-hours calendars: weekly opening hours in a time zone, minus holidays.

Opening hours are wall-clock times in the calendar's zone (zoneinfo), so 08:00–18:00 stays
08:00–18:00 local across daylight-saving changes; all arithmetic is done on aware UTC instants.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop_app.domain.errors import ValidationError

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# A calendar whose next opening is further away than this is misconfigured (e.g. every day a holiday).
SEARCH_LIMIT_DAYS = 3 * 366

# (start, end) in minutes after local midnight; end may be 1440 (midnight at the end of the day).
Span = tuple[int, int]


def parse_hours(text: str) -> tuple[Span, ...]:
    """``"08:00-12:00, 13:00-18:00"`` → spans; ``""`` or ``"closed"`` → no hours; ``"24h"`` → all day."""
    cleaned = text.strip().lower()
    if cleaned in ("", "closed", "-"):
        return ()
    if cleaned in ("24h", "all day", "00:00-24:00"):
        return ((0, MINUTES_PER_DAY),)
    spans: list[Span] = []
    for part in cleaned.split(","):
        try:
            start_text, end_text = (piece.strip() for piece in part.split("-"))
            span = (_minutes(start_text), _minutes(end_text))
        except ValueError as exc:
            raise ValidationError(
                f"Opening hours must look like 08:00-18:00 (several separated by commas), not {part.strip()!r}.",
                field="hours",
            ) from exc
        spans.append(span)
    return normalise_spans(spans)


def format_hours(spans: tuple[Span, ...]) -> str:
    if not spans:
        return "closed"
    return ", ".join(f"{_clock(a)}-{_clock(b)}" for a, b in spans)


def normalise_spans(spans: list[Span] | tuple[Span, ...]) -> tuple[Span, ...]:
    """Sorted, merged, each within one day and not empty."""
    for start, end in spans:
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValidationError(
                f"Opening hours {_clock(start)}-{_clock(end)} must start before they end, within one day.",
                field="hours",
            )
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def check_time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{name!r} is not a known time zone (like Europe/London).", field="time_zone") from exc


@dataclass(frozen=True)
class BusinessCalendar:
    """``week[0]`` is Monday's opening hours; ``holidays`` are local dates on which it stays closed."""

    name: str
    time_zone: str = "UTC"
    week: tuple[tuple[Span, ...], ...] = (((0, MINUTES_PER_DAY),),) * 7
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        check_time_zone(self.time_zone)
        if len(self.week) != 7:
            raise ValidationError("A calendar needs opening hours for each of the 7 weekdays.", field="hours")
        object.__setattr__(self, "week", tuple(normalise_spans(day) for day in self.week))
        if not any(self.week):
            raise ValidationError(f"The calendar {self.name!r} is never open: give it some opening hours.")

    @classmethod
    def always_open(cls, name: str = "24×7") -> BusinessCalendar:
        return cls(name)

    @classmethod
    def from_hours(
        cls, name: str, time_zone: str, hours: Mapping[int, str], holidays: frozenset[date] = frozenset()
    ) -> BusinessCalendar:
        """``hours`` maps weekday (0 = Monday) to text like ``"08:00-18:00"``; missing days are closed."""
        return cls(name, time_zone, tuple(parse_hours(hours.get(day, "")) for day in range(7)), holidays)

    @property
    def is_always_open(self) -> bool:
        return not self.holidays and all(day == ((0, MINUTES_PER_DAY),) for day in self.week)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def describe(self) -> str:
        if self.is_always_open:
            return "24×7"
        days = ", ".join(f"{WEEKDAY_NAMES[i]} {format_hours(spans)}" for i, spans in enumerate(self.week) if spans)
        return f"{days} ({self.time_zone})"

    # --- arithmetic ----------------------------------------------------------------------

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open stretches within ``[start, end)``, in order, as aware UTC instants."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return
        if self.is_always_open:
            yield start, end
            return
        zone = self.zone
        day = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date()
        while day <= last:
            for open_at, close_at in _day_intervals(self, day):
                lo, hi = max(open_at, start), min(close_at, end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants (zero when ``end`` is not after ``start``).

        The difference of the open time before each instant: whole days come from running sums
        (``_OpenDays``), so an incident open for years costs as little as one open for hours.
        Equal to summing ``open_intervals``; a property test holds them to it."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return timedelta()
        if self.is_always_open:
            return end - start
        return _open_days(self).between(start, end)

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when ``amount`` of open time has passed after ``start``."""
        start = _utc(start)
        if amount <= timedelta():
            return start
        if self.is_always_open:
            return start + amount
        zone = self.zone
        day = start.astimezone(zone).date() - timedelta(days=1)
        left = amount
        for _ in range(SEARCH_LIMIT_DAYS):
            for open_at, close_at in _day_intervals(self, day):
                lo = max(open_at, start)
                if lo >= close_at:
                    continue
                if close_at - lo >= left:
                    return lo + left
                left -= close_at - lo
            day += timedelta(days=1)
        raise ValidationError(f"The calendar {self.name!r} has no opening hours within three years.")


class _OpenDays:
    """Running sums of one calendar's open time per local day, from the earliest day asked for.

    ``_open_before(t)`` is the open time from that first day up to ``t``; a span's open time is the
    difference of two. The sums grow as days are asked for; asking for an earlier day moves the
    first day, so both ends of a span are read under one lock, the earlier end first.
    """

    def __init__(self, calendar: BusinessCalendar) -> None:
        self._calendar = calendar
        self._zone = calendar.zone
        self._first: date | None = None
        self._sums: list[timedelta] = [timedelta()]  # _sums[i]: open time of the i days from _first
        self._lock = threading.Lock()

    def between(self, start: datetime, end: datetime) -> timedelta:
        with self._lock:
            before_start = self._open_before(start)  # first: it may move the first day
            return self._open_before(end) - before_start

    def _open_before(self, moment: datetime) -> timedelta:
        # The day before as well: its last stretch may end after local midnight in a zone's odd hour.
        day = moment.astimezone(self._zone).date() - timedelta(days=1)
        total = self._before_day(day)
        for current in (day, day + timedelta(days=1)):
            for open_at, close_at in _day_intervals(self._calendar, current):
                if open_at < moment:
                    total += min(close_at, moment) - open_at
        return total

    def _before_day(self, day: date) -> timedelta:
        if self._first is None:
            self._first = day
        if day < self._first:
            earlier = [_day_open_time(self._calendar, day + timedelta(days=i)) for i in range((self._first - day).days)]
            prefix = list(accumulate(earlier, initial=timedelta()))
            self._sums = prefix[:-1] + [prefix[-1] + value for value in self._sums]
            self._first = day
        index = (day - self._first).days
        while len(self._sums) <= index:
            counted = self._first + timedelta(days=len(self._sums) - 1)
            self._sums.append(self._sums[-1] + _day_open_time(self._calendar, counted))
        return self._sums[index]


@lru_cache(maxsize=64)
def _open_days(calendar: BusinessCalendar) -> _OpenDays:
    return _OpenDays(calendar)


def _day_open_time(calendar: BusinessCalendar, day: date) -> timedelta:
    return sum((close_at - open_at for open_at, close_at in _day_intervals(calendar, day)), timedelta())


@lru_cache(maxsize=8192)
def _day_intervals(calendar: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    if day in calendar.holidays:
        return ()
    zone = calendar.zone
    spans = calendar.week[day.weekday()]
    return tuple((_local_instant(day, start, zone), _local_instant(day, end, zone)) for start, end in spans)


def _local_instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    if minutes >= MINUTES_PER_DAY:
        day, minutes = day + timedelta(days=1), minutes - MINUTES_PER_DAY
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("SLA arithmetic needs aware datetimes")
    return moment.astimezone(UTC)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60 and 0 <= value <= MINUTES_PER_DAY):
        raise ValueError(text)
    return value


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
