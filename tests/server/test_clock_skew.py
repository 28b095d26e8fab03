"""Clock skew (PROTOCOL.md "Clock skew"): the server corrects a device's HLC by the offset the device
reports in X-Client-Time, never believes an HLC from its own future, and keeps both times in its log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from central_server.domain.hlc import SKEW_TOLERANCE_MS, correct_hlc
from central_server.models import Incident, MutationLogEntry

DAY = timedelta(days=1)
DAY_MS = int(DAY.total_seconds() * 1000)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)

walls = st.integers(min_value=0, max_value=10**15 - 1)
counters = st.integers(min_value=0, max_value=999_999)
offsets = st.none() | st.integers(min_value=-(10**12), max_value=10**12)
nows = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


def _hlc(wall: int, counter: int) -> str:
    return f"{wall:015d}-{counter:06d}"


def _parts(hlc: str) -> tuple[int, int]:
    wall, counter = hlc.split("-")
    return int(wall), int(counter)


@given(wall=walls, counter=counters, offset=offsets, now=nows)
def test_the_corrected_wall_never_exceeds_the_server_now_and_the_counter_is_kept(wall, counter, offset, now):
    corrected = correct_hlc(_hlc(wall, counter), offset_ms=offset, now=now)

    assert len(corrected) == 22
    corrected_wall, corrected_counter = _parts(corrected)
    assert 0 <= corrected_wall <= int(now.timestamp() * 1000)
    assert corrected_counter == counter


@given(wall=st.integers(min_value=0, max_value=NOW_MS), counter=counters, offset=st.sampled_from([None, 0]))
def test_with_no_offset_a_stamp_from_the_past_is_unchanged(wall, counter, offset):
    assert correct_hlc(_hlc(wall, counter), offset_ms=offset, now=NOW) == _hlc(wall, counter)


@given(offset=st.integers(min_value=-SKEW_TOLERANCE_MS, max_value=SKEW_TOLERANCE_MS), back=st.integers(0, 10**9))
def test_an_offset_within_the_tolerance_is_not_corrected(offset, back):
    assert correct_hlc(_hlc(NOW_MS - back, 7), offset_ms=offset, now=NOW) == _hlc(NOW_MS - back, 7)


@given(offset=st.integers(min_value=SKEW_TOLERANCE_MS + 1, max_value=10**11), back=st.integers(0, 10**9))
def test_a_fast_clock_is_moved_back_by_its_offset(offset, back):
    device_wall = NOW_MS - back + offset  # written ``back`` ms ago by the device's clock
    assert correct_hlc(_hlc(device_wall, 3), offset_ms=offset, now=NOW) == _hlc(NOW_MS - back, 3)


def test_a_slow_clock_is_moved_forward_but_not_past_now():
    assert correct_hlc(_hlc(NOW_MS - DAY_MS - 5000, 0), offset_ms=-DAY_MS, now=NOW) == _hlc(NOW_MS - 5000, 0)
    assert correct_hlc(_hlc(NOW_MS, 2), offset_ms=-DAY_MS, now=NOW) == _hlc(NOW_MS, 2)


# --- through the API ----------------------------------------------------------------------------


def _race(server, skew: timedelta, *, first: str, report_time: bool = True):
    """``skewed`` (its clock off by ``skew``) edits the title, a minute later ``right`` (a right clock)
    edits it too; then both push, ``first`` first, another minute on."""
    skewed = server.user_client("agent", skew=skew)
    skewed.report_time = report_time
    right = server.user_client("agent")
    incident_id, _ = right.create_incident(title="Old")
    base = {"title": "Old", "version": 1}
    early = skewed.mutation("update_fields", incident_id, {"title": "earlier edit"}, base)
    server.clock.advance(minutes=1)
    late = right.mutation("update_fields", incident_id, {"title": "later edit"}, base)
    server.clock.advance(minutes=1)
    pushes = [(skewed, early), (right, late)]
    for client, mutation in pushes if first == "skewed" else reversed(pushes):
        client.push(mutation)
    return skewed, right, incident_id, early


@pytest.mark.parametrize("first", ["skewed", "right"])
@pytest.mark.parametrize("skew", [DAY, -DAY], ids=["fast", "jumped-back"])
def test_the_edit_made_later_in_real_time_wins_whatever_the_device_clocks_say(server, skew, first):
    skewed, right, incident_id, _early = _race(server, skew, first=first)

    assert right.incident(incident_id)["title"] == "later edit"
    assert skewed.incident(incident_id)["title"] == "later edit"


def test_the_stamp_is_corrected_and_the_log_keeps_both_times_as_sent(server):
    _skewed, _right, incident_id, early = _race(server, DAY, first="skewed")

    with server.ctx.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        logged = session.scalars(
            select(MutationLogEntry).where(MutationLogEntry.mutation_id == uuid.UUID(early["mutation_id"]))
        ).one()
    assert logged.hlc == early["hlc"]  # as the device sent it
    device = logged.device_time.replace(tzinfo=UTC) if logged.device_time.tzinfo is None else logged.device_time
    served = logged.server_time.replace(tzinfo=UTC) if logged.server_time.tzinfo is None else logged.server_time
    assert abs(device - served - DAY) < timedelta(minutes=3)
    # The field's stamp (the later edit's now) is in the server's time; so was the skewed one's while it stood.
    stamp_wall, _ = _parts(incident.field_stamps["title"]["hlc"])
    assert stamp_wall <= int(server.clock().timestamp() * 1000)


def test_without_x_client_time_an_hlc_from_the_future_is_capped_at_the_server_now(server):
    _skewed, _right, incident_id, early = _race(server, DAY, first="right", report_time=False)

    with server.ctx.sessions() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        stamp = incident.field_stamps["title"]
    # An old client's day-fast edit still beats one made a minute later (nothing says how fast it is),
    # but its stamp is the server's now, not tomorrow: it does not win every race for a day.
    assert stamp["mutation"] == early["mutation_id"]
    assert _parts(stamp["hlc"])[0] == int(server.clock().timestamp() * 1000)


def test_a_replayed_push_returns_the_stored_result_without_applying_again(server):
    skewed = server.user_client("agent", skew=DAY)
    incident_id, _ = skewed.create_incident(title="Old")
    mutation = skewed.mutation("update_fields", incident_id, {"title": "New"}, {"title": "Old", "version": 1})
    [first] = skewed.push(mutation)
    server.clock.advance(minutes=5)
    skewed.skew = -DAY  # its clock has jumped since: the replay must not be re-corrected and re-applied
    [again] = skewed.push(mutation)

    assert again == first
    with server.ctx.sessions() as session:
        count = len(
            session.scalars(
                select(MutationLogEntry).where(MutationLogEntry.mutation_id == uuid.UUID(mutation["mutation_id"]))
            ).all()
        )
    assert count == 1
