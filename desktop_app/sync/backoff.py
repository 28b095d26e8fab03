"""When to retry after a failed sync: exponential backoff with full jitter, capped (a pure function).

The GUI's retry timer calls ``retry_delay(failures)`` after each failure and resets the count after a
success. Jitter spreads the retries of many clients that lost the server at the same moment, so
they do not all come back in the same second.
"""

from __future__ import annotations

import random
from collections.abc import Callable

BASE_DELAY_SECONDS = 2.0
MAX_DELAY_SECONDS = 300.0  # 5 minutes: a technician back in coverage should not wait longer
# Half the delay is fixed, half is random: never retry immediately, yet still spread the clients.
JITTER_SHARE = 0.5


def retry_delay(
    failures: int,
    *,
    base: float = BASE_DELAY_SECONDS,
    cap: float = MAX_DELAY_SECONDS,
    random_fraction: Callable[[], float] = random.random,
    server_hint: float | None = None,
) -> float:
    """Seconds to wait after the ``failures``-th consecutive failure (1 = the first).

    ``random_fraction`` returns a value in [0, 1); tests pass a fixed one. A server's Retry-After
    (``server_hint``) is honoured when it asks for longer, still within the cap.
    """
    if failures < 1:
        return 0.0
    ceiling = min(cap, base * 2 ** min(failures - 1, 32))
    fraction = min(max(random_fraction(), 0.0), 1.0)
    delay = ceiling * (1 - JITTER_SHARE) + ceiling * JITTER_SHARE * fraction
    if server_hint is not None and server_hint > delay:
        delay = server_hint
    return min(delay, cap)
