"""Hybrid logical clock strings as the client writes them: ``"%015d-%06d"`` (wall ms, counter)."""

from __future__ import annotations

import re
from datetime import datetime

from central_server.domain.errors import InvalidValueError

HLC_PATTERN = re.compile(r"^\d{15}-\d{6}$")


def check_hlc(text: str) -> str:
    """Fixed width, so string order is time order; anything else would break the per-field ordering."""
    if not HLC_PATTERN.match(text):
        raise InvalidValueError(f"The hlc {text!r} is not of the form 000001700000000-000000.")
    return text


def server_hlc(now: datetime, *, after: str = "") -> str:
    """An HLC for a write the server makes itself (restoring a conflict): later than ``after`` and than now."""
    wall_ms = int(now.timestamp() * 1000)
    if after:
        prev_wall, prev_counter = (int(part) for part in after.split("-"))
        if prev_wall >= wall_ms:
            return f"{prev_wall:015d}-{prev_counter + 1:06d}"
    return f"{wall_ms:015d}-{0:06d}"
