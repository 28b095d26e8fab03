"""Resolve and Close: what each needs, checked with the rules the server also applies (sync_protocol)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from desktop_app.domain.errors import ClosureIncompleteError, ValidationError
from sync_protocol.workflow_rules import (
    RESOLUTION_CODES,
    ROOT_CAUSE_CATEGORIES,
    Problem,
    closure_problems,
    reason_problem,
    resolution_problems,
)

__all__ = [
    "RESOLUTION_CODES",
    "ROOT_CAUSE_CATEGORIES",
    "ClosureFacts",
    "check_closure",
    "check_reason",
    "check_resolution",
    "closure_gaps",
]

DOCUMENTATION_FIELDS = (
    "resolution_code",
    "resolution_steps",
    "root_cause_category",
    "root_cause",
    "reporter_informed",
    "reporter_not_informed_reason",
)


@dataclass(frozen=True)
class ClosureFacts:
    """What the incident holds (or a status change brings) when Resolve or Close asks for documentation."""

    resolution_code: str | None = None
    root_cause: str | None = None
    resolution_steps: str | None = None
    root_cause_category: str | None = None
    reporter_informed: bool | None = None
    reporter_not_informed_reason: str | None = None


def closure_gaps(facts: ClosureFacts, codes: Mapping[str, str] = RESOLUTION_CODES) -> list[Problem]:
    """Every rule Close would break right now (the closure dialog lists them as the agent types)."""
    return closure_problems(asdict(facts), codes)


def check_resolution(facts: ClosureFacts, codes: Mapping[str, str] = RESOLUTION_CODES) -> None:
    _raise_first(resolution_problems(asdict(facts), codes))


def check_closure(facts: ClosureFacts, codes: Mapping[str, str] = RESOLUTION_CODES) -> None:
    _raise_first(closure_problems(asdict(facts), codes))


def check_reason(reason: str | None, what: str) -> str:
    """A required reason, stripped; raises a ValidationError naming ``what`` needs it."""
    problem = reason_problem(reason.strip() if isinstance(reason, str) else reason, what)
    if problem is not None:
        raise ValidationError(problem.message, field="reason")
    assert reason is not None
    return reason.strip()


def _raise_first(problems: list[Problem]) -> None:
    if problems:
        more = f" ({len(problems) - 1} more: {', '.join(p.field for p in problems[1:])})" if len(problems) > 1 else ""
        raise ClosureIncompleteError(problems[0].message + more, field=problems[0].field)
