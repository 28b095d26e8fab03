"""Impact, urgency, priority and the override reason: one field group, merged as a unit (PROTOCOL.md).

Priority follows impact × urgency by the default ITIL 3×3 matrix (the client's ``DEFAULT_MATRIX``)
unless an override reason is given; then the given priority stands. The group has one stamp: a write
that touches any of the four is compared as the whole group (its base against the server's group) and,
when it wins, sets all four under its own stamp, so a priority never travels without the impact,
urgency and reason it was chosen with, and the per-field convergence argument (``merge.py``) holds
for the group as for any single field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from central_server.domain.merge import ORIGIN, FieldState, FieldWrite, MergeResult, Stamp, merge_field

PRIORITY_GROUP: tuple[str, ...] = ("impact", "urgency", "priority", "priority_override_reason")
LEVELS = (1, 2, 3)
# The sum of the two levels, shifted so that (1, 1) is P1 and (3, 3) is P5: the client's DEFAULT_MATRIX.
DEFAULT_MATRIX: dict[tuple[int, int], str] = {
    (impact, urgency): f"P{impact + urgency - 1}" for impact in LEVELS for urgency in LEVELS
}

GroupValue = tuple[Any, ...]  # the four PRIORITY_GROUP values, in that order


def is_override(reason: Any) -> bool:
    return isinstance(reason, str) and bool(reason.strip())


def group_value(values: Mapping[str, Any]) -> GroupValue:
    return tuple(values.get(name) for name in PRIORITY_GROUP)


def consistent(values: Mapping[str, Any]) -> GroupValue:
    """The group as the server writes it: the priority from the matrix unless an override reason is set."""
    impact, urgency, priority, reason = group_value(values)
    if not is_override(reason):
        priority = DEFAULT_MATRIX.get((impact, urgency), priority)
    return (impact, urgency, priority, reason)


def as_dict(value: GroupValue) -> dict[str, Any]:
    return dict(zip(PRIORITY_GROUP, value, strict=True))


def group_stamp(stamps: Iterable[Stamp]) -> Stamp:
    """The group's stamp: one for all four since v1.1; before, the latest of the four fields' stamps."""
    return max(stamps, key=Stamp.key, default=ORIGIN)


def merge_group(
    current: Mapping[str, Any],
    current_stamp: Stamp,
    base: Mapping[str, Any],
    value: Mapping[str, Any],
    stamp: Stamp,
) -> MergeResult:
    """``merge_field`` on the whole group (``current``, ``base`` and ``value`` name all four fields).

    The base is compared as the client sent it (it is the server's stored value the client saw, so any
    difference is a concurrent write); only the written value is made consistent.
    """
    return merge_field(
        FieldState(group_value(current), current_stamp),
        FieldWrite(base=group_value(base), value=consistent(value), stamp=stamp),
    )
