"""Identifiers (UUIDv7 keys, INC numbers) and the hybrid logical clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.clock import HybridTimestamp, next_hlc
from desktop_app.domain.ids import format_number, new_id, parse_number
from tests.support.fakes import SequentialIds


@given(st.integers(min_value=0, max_value=999_999_999))
def test_number_round_trip(value: int) -> None:
    text = format_number(value)
    assert text.startswith("INC-")
    assert parse_number(text) == value
    assert parse_number(text.lower()) == value
    assert parse_number(str(value)) == value
    assert parse_number(f"  inc{value}  ") == value


def test_numbers_have_six_digits_at_least() -> None:
    assert format_number(123) == "INC-000123"
    assert format_number(1_234_567) == "INC-1234567"


@pytest.mark.parametrize("text", ["", "INC-", "INC-12a", "PRB-000001", "12 34", "-5", "INC--1", "1234567890"])
def test_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def test_new_ids_are_uuid7_and_time_ordered() -> None:
    first = [new_id() for _ in range(200)]
    time.sleep(0.002)
    later = new_id()
    assert all(i.version == 7 for i in [*first, later])
    assert first == sorted(first)
    assert len(set(first)) == len(first)
    assert later > max(first)


def test_test_id_factory_is_valid_uuid7_and_ordered() -> None:
    ids = SequentialIds(datetime(2026, 1, 1, tzinfo=UTC))
    issued = [ids() for _ in range(50)]
    assert all(i.version == 7 and i.variant == "specified in RFC 4122" for i in issued)
    assert issued == sorted(issued)
    assert len(set(issued)) == 50
    assert SequentialIds(datetime(2026, 1, 1, tzinfo=UTC))() == issued[0]  # deterministic


@given(st.integers(min_value=0, max_value=10**14), st.integers(min_value=0, max_value=999_998))
def test_hlc_encoding_round_trips_and_sorts_as_text(wall_ms: int, counter: int) -> None:
    stamp = HybridTimestamp(wall_ms, counter)
    assert HybridTimestamp.decode(stamp.encode()) == stamp
    bigger = HybridTimestamp(wall_ms, counter + 1)
    assert stamp.encode() < bigger.encode()


START = datetime(2026, 3, 1, tzinfo=UTC)


@given(st.lists(st.integers(min_value=-(10**7), max_value=10**7), min_size=1, max_size=60))
def test_hlc_is_strictly_monotone_even_when_the_clock_goes_back(steps_ms: list[int]) -> None:
    now = START
    previous: HybridTimestamp | None = None
    for step in steps_ms:
        now += timedelta(milliseconds=step)
        stamp = next_hlc(previous, now)
        if previous is not None:
            assert stamp > previous
            assert stamp.encode() > previous.encode()
        assert stamp.wall_ms >= int(now.timestamp() * 1000)  # never behind the wall clock
        previous = stamp


def test_hlc_counter_resets_when_the_wall_clock_moves_on() -> None:
    first = next_hlc(None, START)
    stalled = next_hlc(first, START)
    back = next_hlc(stalled, START - timedelta(seconds=5))
    forward = next_hlc(back, START + timedelta(seconds=1))
    assert (first.counter, stalled.counter, back.counter) == (0, 1, 2)
    assert back.wall_ms == first.wall_ms
    assert forward == HybridTimestamp(first.wall_ms + 1000, 0)
