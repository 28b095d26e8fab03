"""Per-field last-writer-wins by hybrid logical clock: the same final state whichever write arrives first.

A field's *stamp* orders writes: the writer's HLC, ties broken by the client id string. Applying a
set of concurrent writes (same base) in any order leaves the value of the highest stamp and that
stamp: the first is applied because the field still holds its base, each later one either meets its
own value (keep the higher stamp) or conflicts (the higher stamp wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Stamp:
    """Who wrote a field, ordered by (hlc, client); ``user`` and ``mutation`` ride along for conflict records."""

    hlc: str
    client: str
    user: str | None = None
    mutation: str | None = None

    def key(self) -> tuple[str, str]:
        return (self.hlc, self.client)

    def to_json(self) -> dict[str, str | None]:
        return {"hlc": self.hlc, "client": self.client, "user": self.user, "mutation": self.mutation}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Stamp:
        if not data:
            return ORIGIN
        return cls(str(data["hlc"]), str(data["client"]), data.get("user"), data.get("mutation"))


# Lower than any real stamp: for fields no write has stamped yet.
ORIGIN = Stamp(hlc="", client="")


class MergeKind(StrEnum):
    NO_OP = "no_op"  # the write changes nothing relative to its own base
    SAME_VALUE = "same_value"  # the server already holds the written value
    APPLIED = "applied"  # the server still held the base: no concurrent write
    MINE_WON = "mine_won"  # concurrent writes: this one has the higher stamp
    THEIRS_WON = "theirs_won"  # concurrent writes: the server's value has the higher stamp


@dataclass(frozen=True)
class FieldState:
    value: Any
    stamp: Stamp


@dataclass(frozen=True)
class FieldWrite:
    base: Any
    value: Any
    stamp: Stamp


@dataclass(frozen=True)
class MergeResult:
    kind: MergeKind
    state: FieldState

    @property
    def is_conflict(self) -> bool:
        return self.kind in (MergeKind.MINE_WON, MergeKind.THEIRS_WON)

    @property
    def changes_value(self) -> bool:
        return self.kind in (MergeKind.APPLIED, MergeKind.MINE_WON)


def merge_field(current: FieldState, write: FieldWrite) -> MergeResult:
    if write.value == write.base:
        return MergeResult(MergeKind.NO_OP, current)
    if current.value == write.value:
        # Both sides wrote the same value: keep the higher stamp so the result does not depend on order.
        stamp = max(current.stamp, write.stamp, key=Stamp.key)
        return MergeResult(MergeKind.SAME_VALUE, FieldState(current.value, stamp))
    if current.value == write.base:
        return MergeResult(MergeKind.APPLIED, FieldState(write.value, write.stamp))
    if write.stamp.key() > current.stamp.key():
        return MergeResult(MergeKind.MINE_WON, FieldState(write.value, write.stamp))
    return MergeResult(MergeKind.THEIRS_WON, current)
