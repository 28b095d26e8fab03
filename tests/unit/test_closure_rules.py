"""Every Resolve and Close rule (sync_protocol/workflow_rules.py, shared by the client's domain and the
server), escalation and worklog rules, and the configurable list of resolution codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.domain.closure_rules import ClosureFacts, check_closure, check_reason, closure_gaps
from desktop_app.domain.errors import ClosureIncompleteError, PermissionDeniedError, ValidationError
from desktop_app.domain.escalation import EscalationKind, Placement, check_escalation
from sync_protocol.workflow_rules import (
    DEFAULT_RESOLUTION_CODES,
    ENV_RESOLUTION_CODES,
    ResolutionCodesError,
    closure_problems,
    load_resolution_codes,
    reason_problem,
    resolution_problems,
    worklog_problem,
)

COMPLETE = {
    "resolution_code": "fixed",
    "resolution_steps": "Replaced the cable",
    "root_cause_category": "hardware",
    "root_cause": "Cable crushed by a chair",
    "reporter_informed": True,
    "reporter_not_informed_reason": None,
}


def test_complete_documentation_resolves_and_closes() -> None:
    assert resolution_problems(COMPLETE) == []
    assert closure_problems(COMPLETE) == []
    check_closure(ClosureFacts(**COMPLETE))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"resolution_code": None}, "resolution_code", "needs a resolution code"),
        ({"resolution_code": "  "}, "resolution_code", "needs a resolution code"),
        ({"resolution_code": "magic"}, "resolution_code", "'magic' is not a resolution code"),
        ({"resolution_steps": ""}, "resolution_steps", "needs resolution notes"),
    ],
)
def test_each_resolve_rule(change: dict, field: str, message: str) -> None:
    [problem] = resolution_problems(COMPLETE | change)
    assert (problem.field, message in problem.message) == (field, True)
    assert problem.message.startswith(("Resolving", "'magic'"))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"resolution_code": None}, "resolution_code", "Closing needs a resolution code"),
        ({"resolution_steps": None}, "resolution_steps", "Closing needs resolution notes"),
        ({"root_cause_category": None}, "root_cause_category", "needs a root cause category"),
        ({"root_cause_category": "gremlins"}, "root_cause_category", "'gremlins' is not a root cause category"),
        ({"root_cause": " "}, "root_cause", "needs the root cause described"),
        ({"reporter_informed": None}, "reporter_informed", "confirmation that the reporter was informed"),
        ({"reporter_informed": False}, "reporter_not_informed_reason", "closing needs the reason why"),
        (
            {"reporter_informed": False, "reporter_not_informed_reason": "  "},
            "reporter_not_informed_reason",
            "the reason why",
        ),
    ],
)
def test_each_close_rule(change: dict, field: str, message: str) -> None:
    [problem] = closure_problems(COMPLETE | change)
    assert problem.field == field
    assert message in problem.message
    with pytest.raises(ClosureIncompleteError) as info:
        check_closure(ClosureFacts(**(COMPLETE | change)))
    assert info.value.field == field


def test_not_informed_with_a_reason_closes() -> None:
    assert closure_problems(COMPLETE | {"reporter_informed": False, "reporter_not_informed_reason": "Left"}) == []


def test_the_gaps_are_all_listed_in_order() -> None:
    assert [p.field for p in closure_gaps(ClosureFacts())] == [
        "resolution_code",
        "resolution_steps",
        "root_cause_category",
        "root_cause",
        "reporter_informed",
    ]


def test_a_deployments_own_codes_replace_the_default(tmp_path: Path) -> None:
    file = tmp_path / "codes.json"
    file.write_text(json.dumps({"fixed_remotely": "Fixed remotely", "vendor_fix": "Vendor fix"}), encoding="utf-8")
    codes = load_resolution_codes({ENV_RESOLUTION_CODES: str(file)})
    assert codes == {"fixed_remotely": "Fixed remotely", "vendor_fix": "Vendor fix"}
    assert resolution_problems(COMPLETE | {"resolution_code": "vendor_fix"}, codes) == []
    [problem] = resolution_problems(COMPLETE, codes)
    assert "'fixed' is not a resolution code (use one of: fixed_remotely, vendor_fix)" in problem.message
    assert load_resolution_codes({}) == DEFAULT_RESOLUTION_CODES


@pytest.mark.parametrize("content", ["[]", "{}", "not json", '{"Bad Code": "x"}', '{"ok": 3}'])
def test_a_broken_codes_file_is_refused_with_a_reason(tmp_path: Path, content: str) -> None:
    file = tmp_path / "codes.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(ResolutionCodesError, match=r"codes\.json"):
        load_resolution_codes({ENV_RESOLUTION_CODES: str(file)})


def test_a_missing_codes_file_is_named() -> None:
    with pytest.raises(ResolutionCodesError, match="cannot be read"):
        load_resolution_codes({ENV_RESOLUTION_CODES: "/nonexistent/codes.json"})


@pytest.mark.parametrize(
    ("reason", "ok"), [(None, False), ("", False), ("   ", False), ("x" * 501, False), ("ok", True)]
)
def test_a_reason_is_required_and_bounded(reason: str | None, ok: bool) -> None:
    assert (reason_problem(reason, "Reopening") is None) is ok
    if ok:
        assert check_reason(" ok ", "Reopening") == "ok"
    else:
        with pytest.raises(ValidationError):
            check_reason(reason, "Reopening")


@pytest.mark.parametrize(
    ("minutes", "visibility", "ok"),
    [
        (None, None, True),
        (0, "internal", True),
        (1440, "visible", True),
        (1441, None, False),
        (True, None, False),
        (-1, None, False),
        (2.5, None, False),
        (5, "public", False),
    ],
)
def test_worklog_minutes_and_audience(minutes: object, visibility: object, ok: bool) -> None:
    assert (worklog_problem(minutes, visibility) is None) is ok


GROUP_A, GROUP_B = Placement(group_id="a", assignee_id=None), Placement(group_id="b", assignee_id=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "target", "role", "error"),
    [
        (EscalationKind.FUNCTIONAL, GROUP_B, "agent", None),
        (EscalationKind.FUNCTIONAL, GROUP_A, "agent", ValidationError),
        (EscalationKind.FUNCTIONAL, Placement("b", "someone"), "agent", PermissionDeniedError),  # type: ignore[arg-type]
        (EscalationKind.FUNCTIONAL, Placement("b", "someone"), "supervisor", None),  # type: ignore[arg-type]
        (EscalationKind.HIERARCHICAL, Placement("a", "boss"), "technician", None),  # type: ignore[arg-type]
        (EscalationKind.HIERARCHICAL, GROUP_B, "technician", ValidationError),
        (EscalationKind.REASSIGNMENT, Placement("b", "x"), "agent", PermissionDeniedError),  # type: ignore[arg-type]
        (EscalationKind.REASSIGNMENT, Placement("b", "x"), "admin", None),  # type: ignore[arg-type]
        (EscalationKind.REASSIGNMENT, Placement("b", "x"), None, None),  # type: ignore[arg-type]
    ],
)
def test_escalation_rules_on_the_client(kind, target, role, error) -> None:
    if error is None:
        assert check_escalation(kind, " why ", GROUP_A, target, my_role=role) == "why"
    else:
        with pytest.raises(error):
            check_escalation(kind, "why", GROUP_A, target, my_role=role)
