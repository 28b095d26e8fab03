"""The retry timer's policy: exponential, jittered, capped at five minutes, honouring the server's hint."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.sync.backoff import BASE_DELAY_SECONDS, MAX_DELAY_SECONDS, retry_delay


def test_no_failure_no_wait() -> None:
    assert retry_delay(0) == 0.0


def test_grows_exponentially_until_the_cap() -> None:
    top = [retry_delay(n, random_fraction=lambda: 0.999999) for n in range(1, 12)]
    assert top[:4] == [BASE_DELAY_SECONDS * 2**i * (0.5 + 0.5 * 0.999999) for i in range(4)]
    assert top[-1] <= MAX_DELAY_SECONDS == 300.0
    assert retry_delay(10**6, random_fraction=lambda: 0.999999) <= MAX_DELAY_SECONDS


def test_jitter_spreads_clients_between_half_and_all_of_the_step() -> None:
    low = retry_delay(5, random_fraction=lambda: 0.0)
    high = retry_delay(5, random_fraction=lambda: 0.99999)
    assert low == BASE_DELAY_SECONDS * 16 / 2
    assert low < high <= BASE_DELAY_SECONDS * 16


def test_a_longer_retry_after_from_the_server_wins_but_stays_capped() -> None:
    assert retry_delay(1, random_fraction=lambda: 0.0, server_hint=42.0) == 42.0
    assert retry_delay(1, random_fraction=lambda: 0.0, server_hint=10_000.0) == MAX_DELAY_SECONDS
    assert retry_delay(6, random_fraction=lambda: 0.0, server_hint=1.0) == retry_delay(6, random_fraction=lambda: 0.0)


@given(failures=st.integers(min_value=1, max_value=10_000), fraction=st.floats(min_value=0, max_value=1))
def test_always_positive_and_never_above_the_cap(failures: int, fraction: float) -> None:
    delay = retry_delay(failures, random_fraction=lambda: fraction)
    assert 0 < delay <= MAX_DELAY_SECONDS
    assert delay >= min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** min(failures - 1, 32)) / 2
