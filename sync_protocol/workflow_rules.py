"""The workflow rules both sides apply, as pure data and pure checks (no ORM, no Qt, no side).

The client's ``desktop_app/domain`` refuses a change with these rules before it is saved; the server
applies the very same functions to every synced mutation, so a close the client let through (an older
client, a hand-edited outbox) is still refused and lands in the client's Errors view.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# A deployment's own list of resolution codes: a JSON object {"code": "Label", ...} in the file this
# variable names. The server and every client read the same variable, so they apply the same list
# (set it for the server's service and the clients' environment alike); without it, the default.
ENV_RESOLUTION_CODES = "HELPDESK_RESOLUTION_CODES"
CODE_PATTERN = re.compile(r"[a-z0-9_]{1,40}")

DEFAULT_RESOLUTION_CODES: dict[str, str] = {
    "fixed": "Fixed",
    "workaround_provided": "Workaround provided",
    "known_error": "Known error",
    "duplicate": "Duplicate",
    "not_reproducible": "Not reproducible",
    "user_error": "User error",
    "hardware_replaced": "Hardware replaced",
    "software_change": "Software change",
}


class ResolutionCodesError(ValueError):
    """The configured list of resolution codes cannot be used; the message says why and where."""


def load_resolution_codes(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The configured resolution codes (``HELPDESK_RESOLUTION_CODES``), else the default list."""
    location = environ.get(ENV_RESOLUTION_CODES)
    if not location:
        return dict(DEFAULT_RESOLUTION_CODES)
    try:
        data = json.loads(Path(location).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResolutionCodesError(f"{ENV_RESOLUTION_CODES}={location} cannot be read as JSON ({exc}).") from exc
    if not isinstance(data, dict) or not data:
        raise ResolutionCodesError(f"{location} must hold a non-empty JSON object of code: label.")
    bad = [code for code, label in data.items() if not CODE_PATTERN.fullmatch(str(code)) or not isinstance(label, str)]
    if bad:
        raise ResolutionCodesError(
            f"{location}: codes are lower-case letters, digits and _ (up to 40) with a text label; not {bad}."
        )
    return {str(code): label.strip() or str(code) for code, label in data.items()}


# Read once per process: the list both sides check Resolve and Close against. A broken file does not stop
# the program; it leaves no usable code, so Resolve and Close are refused with the file's problem.
try:
    RESOLUTION_CODES: dict[str, str] = load_resolution_codes()
    RESOLUTION_CODES_ERROR: str | None = None
except ResolutionCodesError as _error:
    RESOLUTION_CODES, RESOLUTION_CODES_ERROR = {}, str(_error)

ROOT_CAUSE_CATEGORIES: dict[str, str] = {
    "hardware": "Hardware failure",
    "software": "Software defect",
    "configuration": "Configuration",
    "network": "Network",
    "capacity": "Capacity",
    "third_party": "Third party / vendor",
    "user": "User action",
    "process": "Process or documentation",
    "unknown": "Unknown",
}

# Escalation: to another group or tier (functional), up to a supervisor (hierarchical), or a supervisor
# moving the incident to anyone (reassignment). Each needs a reason.
ESCALATION_KINDS: dict[str, str] = {
    "functional": "Functional (another group or tier)",
    "hierarchical": "Hierarchical (to a supervisor)",
    "reassignment": "Supervisor reassignment",
}
WORKLOG_VISIBILITY = ("internal", "visible")
REASON_MAX = 500
TIME_SPENT_MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field to fix and a message for people."""

    field: str
    message: str


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def resolution_problems(facts: Mapping[str, object], codes: Mapping[str, str] = RESOLUTION_CODES) -> list[Problem]:
    """What Resolve needs: a resolution code from the list and resolution notes."""
    problems: list[Problem] = []
    code = facts.get("resolution_code")
    if not codes:
        why = RESOLUTION_CODES_ERROR or "the configured list is empty"
        problems.append(Problem("resolution_code", f"No resolution code can be used: {why}"))
    elif _blank(code):
        problems.append(Problem("resolution_code", "Resolving needs a resolution code."))
    elif code not in codes:
        allowed = ", ".join(codes)
        problems.append(Problem("resolution_code", f"{code!r} is not a resolution code (use one of: {allowed})."))
    if _blank(facts.get("resolution_steps")):
        problems.append(Problem("resolution_steps", "Resolving needs resolution notes: what was done."))
    return problems


def closure_problems(facts: Mapping[str, object], codes: Mapping[str, str] = RESOLUTION_CODES) -> list[Problem]:
    """What Close needs on top of Resolve: the root cause (category and text), the steps taken (the resolution
    notes) and whether the reporter was informed, or why not."""
    problems = [Problem(p.field, p.message.replace("Resolving", "Closing")) for p in resolution_problems(facts, codes)]
    category = facts.get("root_cause_category")
    if _blank(category):
        problems.append(Problem("root_cause_category", "Closing needs a root cause category."))
    elif category not in ROOT_CAUSE_CATEGORIES:
        allowed = ", ".join(ROOT_CAUSE_CATEGORIES)
        problems.append(Problem("root_cause_category", f"{category!r} is not a root cause category ({allowed})."))
    if _blank(facts.get("root_cause")):
        problems.append(Problem("root_cause", "Closing needs the root cause described."))
    informed = facts.get("reporter_informed")
    if informed is None:
        problems.append(
            Problem("reporter_informed", "Closing needs confirmation that the reporter was informed, or why not.")
        )
    elif informed is False and _blank(facts.get("reporter_not_informed_reason")):
        problems.append(
            Problem("reporter_not_informed_reason", "The reporter was not informed: closing needs the reason why.")
        )
    return problems


def reason_problem(reason: object, what: str) -> Problem | None:
    """A required reason (escalation, reassignment, reopening): present and not too long."""
    if _blank(reason):
        return Problem("reason", f"{what} needs a reason.")
    if not isinstance(reason, str):
        return Problem("reason", f"The reason must be text, not {type(reason).__name__}.")
    if len(reason) > REASON_MAX:
        return Problem("reason", f"The reason is {len(reason):,} characters long; the limit is {REASON_MAX}.")
    return None


def reopen_note_body(current: str, reason: str) -> str:
    """The system note both sides write for a reopen (the client's copy is replaced by the server's)."""
    return f"Reopened from {current.replace('_', ' ')}: {reason}"


def escalation_note_body(kind: str, target: str, reason: str) -> str:
    label = {"functional": "Escalated to", "hierarchical": "Escalated to supervisor", "reassignment": "Reassigned to"}
    return f"{label.get(kind, 'Escalated to')} {target}: {reason}"


def worklog_problem(time_spent_minutes: object, visibility: object) -> Problem | None:
    if time_spent_minutes is not None and (
        isinstance(time_spent_minutes, bool)
        or not isinstance(time_spent_minutes, int)
        or not 0 <= time_spent_minutes <= TIME_SPENT_MAX_MINUTES
    ):
        return Problem(
            "time_spent_minutes",
            f"Time spent must be whole minutes from 0 to {TIME_SPENT_MAX_MINUTES}, not {time_spent_minutes!r}.",
        )
    if visibility is not None and visibility not in WORKLOG_VISIBILITY:
        return Problem("visibility", f"Visibility must be internal or visible, not {visibility!r}.")
    return None
