"""Identifiers: time-ordered UUIDv7 keys and human incident numbers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

IdFactory = Callable[[], uuid.UUID]

NUMBER_PREFIX = "INC-"
# Shown for an incident a connected client logged after its leased numbers ran out, until the
# server numbers it on the next sync.
PENDING_NUMBER = f"{NUMBER_PREFIX}pending"
NUMBER_PATTERN = re.compile(r"^(?:INC-?)?0*(\d{1,9})$", re.IGNORECASE)


def new_id() -> uuid.UUID:
    # Imported on first use: uuid6 reads package metadata at import (~25 ms), which start-up skips.
    import uuid6

    return uuid.UUID(bytes=uuid6.uuid7().bytes)


def format_number(value: int | None) -> str:
    return PENDING_NUMBER if value is None else f"{NUMBER_PREFIX}{value:06d}"


def parse_number(text: str) -> int | None:
    """``INC-000123``, ``inc123`` and ``123`` all mean incident 123."""
    match = NUMBER_PATTERN.match(text.strip())
    return int(match.group(1)) if match else None
