"""Impact × urgency → priority, ITIL style, with a configurable matrix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import ValidationError

LEVELS = (1, 2, 3)

# ITIL's usual 3×3: the sum of the two levels, shifted so that (1, 1) is P1 and (3, 3) is P5.
DEFAULT_MATRIX: dict[tuple[int, int], Priority] = {
    (impact, urgency): Priority(f"P{impact + urgency - 1}") for impact in LEVELS for urgency in LEVELS
}


def check_level(name: str, value: int) -> int:
    if value not in LEVELS:
        raise ValidationError(
            f"{name.capitalize()} must be 1, 2 or 3 (1 is the most severe), not {value!r}.",
            field=name,
        )
    return value


@dataclass(frozen=True)
class PriorityMatrix:
    cells: Mapping[tuple[int, int], Priority] = field(default_factory=lambda: dict(DEFAULT_MATRIX))

    def __post_init__(self) -> None:
        missing = [key for key in DEFAULT_MATRIX if key not in self.cells]
        if missing:
            raise ValidationError(f"The priority matrix has no cell for impact×urgency {missing}.")

    def priority(self, impact: int, urgency: int) -> Priority:
        return self.cells[(check_level("impact", impact), check_level("urgency", urgency))]

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> PriorityMatrix:
        """Build from settings: ``rows[impact-1][urgency-1]`` is "P1".."P5"."""
        if len(rows) != 3 or any(len(row) != 3 for row in rows):
            raise ValidationError("The priority matrix must have 3 rows of 3 priorities.")
        try:
            cells = {(i + 1, u + 1): Priority(rows[i][u]) for i in range(3) for u in range(3)}
        except ValueError as exc:
            raise ValidationError(f"The priority matrix holds an unknown priority: {exc}.") from exc
        return cls(cells)

    def to_rows(self) -> list[list[str]]:
        return [[self.cells[(i, u)].value for u in LEVELS] for i in LEVELS]
