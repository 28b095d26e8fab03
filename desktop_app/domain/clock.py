"""Time sources: the real UTC clock and a hybrid logical clock for outbox ordering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, order=True)
class HybridTimestamp:
    """Wall milliseconds, then a counter: orders events even when the wall clock stalls or steps back."""

    wall_ms: int
    counter: int

    def encode(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:06d}"

    @classmethod
    def decode(cls, text: str) -> HybridTimestamp:
        wall, counter = text.split("-")
        return cls(int(wall), int(counter))


def next_hlc(previous: HybridTimestamp | None, now: datetime) -> HybridTimestamp:
    wall_ms = int(now.timestamp() * 1000)
    if previous is None or wall_ms > previous.wall_ms:
        return HybridTimestamp(wall_ms, 0)
    return HybridTimestamp(previous.wall_ms, previous.counter + 1)
