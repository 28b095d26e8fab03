"""Impact × urgency → priority: the default ITIL matrix, settings round trip, validation, monotony."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.priority import DEFAULT_MATRIX, LEVELS, PriorityMatrix

levels = st.sampled_from(LEVELS)

# Rows are impact 1..3 (1 = high), columns urgency 1..3: the usual ITIL table.
ITIL = [
    ["P1", "P2", "P3"],
    ["P2", "P3", "P4"],
    ["P3", "P4", "P5"],
]


def test_default_matrix_is_the_itil_table() -> None:
    matrix = PriorityMatrix()
    assert matrix.to_rows() == ITIL
    assert matrix.priority(1, 1) is Priority.P1
    assert matrix.priority(3, 3) is Priority.P5
    assert matrix.priority(1, 3) == matrix.priority(3, 1) == Priority.P3
    assert len(DEFAULT_MATRIX) == 9


def test_rows_round_trip() -> None:
    custom = [["P1", "P1", "P2"], ["P2", "P3", "P3"], ["P3", "P4", "P5"]]
    matrix = PriorityMatrix.from_rows(custom)
    assert matrix.to_rows() == custom
    assert matrix.priority(1, 2) is Priority.P1
    assert PriorityMatrix.from_rows(matrix.to_rows()) == matrix


@given(st.lists(st.lists(st.sampled_from([p.value for p in Priority]), min_size=3, max_size=3), min_size=3, max_size=3))
def test_any_well_formed_rows_round_trip(rows: list[list[str]]) -> None:
    assert PriorityMatrix.from_rows(rows).to_rows() == rows


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["P1", "P2", "P3"], ["P2", "P3", "P4"]],
        [["P1", "P2"], ["P2", "P3"], ["P3", "P4"]],
        [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P5", "P5"]],
        [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P6"]],
        [["P1", "P2", "P3"], ["P2", "p3", "P4"], ["P3", "P4", "P5"]],
    ],
    ids=["empty", "two-rows", "two-columns", "ragged", "unknown-P6", "lower-case"],
)
def test_bad_rows_are_rejected(rows: list[list[str]]) -> None:
    with pytest.raises(ValidationError, match="priority matrix"):
        PriorityMatrix.from_rows(rows)


def test_matrix_missing_a_cell_is_rejected() -> None:
    cells = dict(DEFAULT_MATRIX)
    del cells[(2, 3)]
    with pytest.raises(ValidationError, match=r"\(2, 3\)"):
        PriorityMatrix(cells)


@pytest.mark.parametrize(("impact", "urgency"), [(0, 1), (1, 4), (-1, 2), (2, 0)])
def test_levels_outside_one_to_three_are_refused(impact: int, urgency: int) -> None:
    with pytest.raises(ValidationError, match="must be 1, 2 or 3") as info:
        PriorityMatrix().priority(impact, urgency)
    assert info.value.field == ("impact" if impact not in LEVELS else "urgency")


@given(impact=levels, urgency=levels, raise_impact=st.booleans())
def test_priority_is_monotone(impact: int, urgency: int, raise_impact: bool) -> None:
    """Making impact or urgency more severe (a smaller level) never gives a lower priority."""
    matrix = PriorityMatrix()
    before = matrix.priority(impact, urgency)
    if raise_impact:
        impact = max(1, impact - 1)
    else:
        urgency = max(1, urgency - 1)
    assert matrix.priority(impact, urgency).rank <= before.rank


def test_priority_labels_read_well() -> None:
    assert Priority.P1.label == "P1 – Critical"
    assert [p.rank for p in Priority] == [1, 2, 3, 4, 5]
