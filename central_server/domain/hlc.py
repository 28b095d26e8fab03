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


# A device clock within this of the server's is taken as right: NTP jitter and request latency.
SKEW_TOLERANCE_MS = 2000


def clock_offset_ms(client_time: datetime, server_now: datetime) -> int:
    """How far the device's clock runs ahead of the server's (negative: behind), in ms."""
    return int((client_time - server_now).total_seconds() * 1000)


def correct_hlc(hlc: str, *, offset_ms: int | None, now: datetime) -> str:
    """The HLC as the server believes it (PROTOCOL.md "Clock skew"): the wall part moved back by the
    device's reported clock offset when that is more than ``SKEW_TOLERANCE_MS``, then never later than
    the server's ``now``; the counter is kept. ``offset_ms`` None: the client did not report its time."""
    wall_ms, counter = (int(part) for part in check_hlc(hlc).split("-"))
    if offset_ms is not None and abs(offset_ms) > SKEW_TOLERANCE_MS:
        wall_ms -= offset_ms
    wall_ms = max(0, min(wall_ms, int(now.timestamp() * 1000)))
    return f"{wall_ms:015d}-{counter:06d}"
