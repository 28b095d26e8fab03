"""Values in the exact form SQLAlchemy stores them on SQLite, for the seeder's raw executemany inserts.

``Uuid`` columns hold 32 lowercase hex digits without dashes; ``UtcDateTime`` columns hold naive UTC
text ``YYYY-MM-DD HH:MM:SS.ffffff`` (always six fraction digits); booleans are 0 and 1.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

MICROS_PER_SECOND = 1_000_000
MICROS_PER_HOUR = 3_600 * MICROS_PER_SECOND
MICROS_PER_DAY = 24 * MICROS_PER_HOUR

_EPOCH = datetime(1970, 1, 1)


def micros_of(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime, exactly (no float rounding)."""
    delta = moment.astimezone(UTC).replace(tzinfo=None) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS_PER_SECOND + delta.microseconds


def db_time(micros: int) -> str:
    return (_EPOCH + timedelta(microseconds=micros)).isoformat(" ", "microseconds")


def uuid7_hex(micros: int, rng: random.Random) -> str:
    """A version-7 UUID, stored form, whose order follows ``micros`` (microseconds since the epoch).

    The 12 bits after the version nibble hold the sub-millisecond fraction (RFC 9562, method 3),
    so keys made from increasing timestamps sort in time order; then the ``10`` variant bits and
    62 random bits.
    """
    millis, sub_millis = divmod(micros, 1000)
    return f"{millis:012x}7{sub_millis * 4096 // 1000:03x}{rng.getrandbits(62) | (1 << 63):016x}"
