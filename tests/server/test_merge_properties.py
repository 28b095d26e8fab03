"""The per-field policy as a pure function: concurrent writes converge whatever order they arrive in."""

from __future__ import annotations

import itertools

from hypothesis import assume, given
from hypothesis import strategies as st

from central_server.domain.merge import FieldState, FieldWrite, MergeKind, Stamp, merge_field
from central_server.domain.priority import DEFAULT_MATRIX, PRIORITY_GROUP, as_dict, is_override, merge_group

values = st.sampled_from(["a", "b", "c", None, 1, 2])
hlcs = st.integers(min_value=0, max_value=50).map(lambda ms: f"{1_700_000_000_000 + ms:015d}-{ms % 3:06d}")
clients = st.sampled_from(["client-a", "client-b", "client-c"])
stamps = st.builds(Stamp, hlc=hlcs, client=clients)


def _apply(state: FieldState, writes: list[FieldWrite]) -> FieldState:
    for write in writes:
        state = merge_field(state, write).state
    return state


def _key(state: FieldState) -> tuple[object, tuple[str, str]]:
    return state.value, state.stamp.key()


@given(base=values, origin=stamps, mine=values, theirs=values, stamp_a=stamps, stamp_b=stamps)
def test_two_concurrent_writes_give_the_same_state_in_either_order(base, origin, mine, theirs, stamp_a, stamp_b):
    assume(stamp_a.key() != stamp_b.key())  # one client never stamps two writes alike
    start = FieldState(base, origin)
    a, b = FieldWrite(base, mine, stamp_a), FieldWrite(base, theirs, stamp_b)

    assert _key(_apply(start, [a, b])) == _key(_apply(start, [b, a]))


@given(
    base=values,
    origin=stamps,
    writes=st.lists(st.tuples(values, stamps), min_size=1, max_size=4, unique_by=lambda w: w[1].key()),
)
def test_any_number_of_concurrent_writes_converge_on_the_highest_stamp(base, origin, writes):
    start = FieldState(base, origin)
    concurrent = [FieldWrite(base, value, stamp) for value, stamp in writes]
    outcomes = {_key(_apply(start, list(order))) for order in itertools.permutations(concurrent)}

    assert len(outcomes) == 1
    effective = [w for w in concurrent if w.value != base]
    if effective:
        highest = max(effective, key=lambda w: w.stamp.key())
        assert outcomes.pop()[0] == highest.value


@given(base=values, new=values, origin=stamps, stamp=stamps)
def test_a_write_against_the_current_value_is_applied_whatever_its_clock(base, new, origin, stamp):
    result = merge_field(FieldState(base, origin), FieldWrite(base, new, stamp))

    if new == base:
        assert result.kind == MergeKind.NO_OP
    else:
        assert result.kind == MergeKind.APPLIED
        assert result.state == FieldState(new, stamp)
        assert not result.is_conflict


def test_a_stale_write_conflicts_and_the_higher_stamp_wins():
    server = FieldState("theirs", Stamp("000001700000000-000005", "client-b"))
    later = FieldWrite("base", "mine", Stamp("000001700000000-000006", "client-a"))
    earlier = FieldWrite("base", "mine", Stamp("000001700000000-000004", "client-z"))
    tie = FieldWrite("base", "mine", Stamp("000001700000000-000005", "client-c"))

    assert merge_field(server, later).kind == MergeKind.MINE_WON
    assert merge_field(server, earlier).kind == MergeKind.THEIRS_WON
    assert merge_field(server, earlier).state == server
    assert merge_field(server, tie).kind == MergeKind.MINE_WON  # ties: the higher client id string


# --- the priority group: impact, urgency, priority, override reason as one unit ---------------------

levels = st.sampled_from([1, 2, 3])
groups = st.fixed_dictionaries(
    {
        "impact": levels,
        "urgency": levels,
        "priority": st.sampled_from(["P1", "P2", "P3", "P4", "P5"]),
        "priority_override_reason": st.sampled_from([None, "VIP", "outage"]),
    }
)
# What a client sends: some of the four changed (the rest unchanged from its base).
edits = st.tuples(groups, st.sets(st.sampled_from(PRIORITY_GROUP), min_size=1))


def _apply_group(state: tuple[dict, Stamp], base: dict, writes: list[tuple[dict, Stamp]]) -> tuple[object, object]:
    current, stamp = state
    for value, write_stamp in writes:
        result = merge_group(current, stamp, base, value, write_stamp)
        current, stamp = as_dict(result.state.value), result.state.stamp
    return tuple(current.values()), stamp.key()


@given(
    start=groups,
    origin=stamps,
    writes=st.lists(st.tuples(edits, stamps), min_size=1, max_size=4, unique_by=lambda w: w[1].key()),
)
def test_concurrent_priority_group_writes_converge_and_stay_consistent(start, origin, writes):
    concurrent = [({**start, **{k: edit[k] for k in changed}}, stamp) for (edit, changed), stamp in writes]
    outcomes = {_apply_group((start, origin), start, list(order)) for order in itertools.permutations(concurrent)}

    assert len(outcomes) == 1
    final = dict(zip(PRIORITY_GROUP, outcomes.pop()[0], strict=True))
    if final != start:  # every write the server made is consistent
        assert is_override(final["priority_override_reason"]) or (
            final["priority"] == DEFAULT_MATRIX[(final["impact"], final["urgency"])]
        )


@given(start=groups, origin=stamps, edit=edits, stamp=stamps)
def test_a_group_write_against_the_current_group_is_applied_whatever_its_clock(start, origin, edit, stamp):
    value, changed = edit
    result = merge_group(start, origin, start, {**start, **{k: value[k] for k in changed}}, stamp)

    assert not result.is_conflict
    assert result.kind in (MergeKind.NO_OP, MergeKind.APPLIED)
