"""Incident commands in-process: the round trip of every field, updates, assignment, workflow and notes."""

from __future__ import annotations

from dataclasses import fields

import pytest

from desktop_app.domain.dtos import IncidentDetail

LIST_KEYS = {
    "number", "title", "status", "priority", "category", "reporter", "assignee", "group", "channel",
    "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture
def network_agent(cli) -> str:
    """A second agent, so tests do not depend on the OS user that runs them."""
    result = cli("agent", "add", "Sofia Marquez", "--username", "smarquez", "--group", "Network Team")
    assert result.code == 0, result.err
    return "smarquez"


@pytest.fixture
def incident(cli) -> str:
    result = cli(
        "create", "--title", "Wi-Fi drops", "--description", "Drops every few minutes", "--reporter", "Ann Lee"
    )
    assert result.code == 0, result.err
    return "INC-000001"


def test_create_list_show_round_trip_carries_every_field(cli, network_agent):
    created = cli(
        "create",
        "--title", "Printer jams on floor 3",
        "--description", "Paper jams on every job.\nTried a new ream.",
        "--reporter", "jane.smith@example.com",
        "--reporter-phone", "+1 555 0100",
        "--category", "hardware > printer",
        "--impact", "2",
        "--urgency", "1",
        "--channel", "walk_in",
        "--occurred", "2025-03-04T09:30:00+01:00",
        "--group", "Network Team",
        "--assignee", network_agent,
        "--priority", "P1",
        "--priority-reason", "Payroll prints today",
        "--drill",
        "--json",
    )  # fmt: skip
    assert created.code == 0, created.err
    detail = created.json()

    assert detail["number"] == "INC-000001"
    assert detail["number_value"] == 1
    assert detail["title"] == "Printer jams on floor 3"
    assert detail["description"] == "Paper jams on every job.\nTried a new ream."
    assert detail["channel"] == "walk-in"
    assert detail["status"] == "assigned"
    assert (detail["impact"], detail["urgency"], detail["priority"]) == (2, 1, "P1")
    assert detail["priority_override_reason"] == "Payroll prints today"
    assert detail["category_path"] == "Hardware > Printer"
    assert detail["reporter"]["name"] == "Jane Smith"
    assert detail["reporter_email"] == "jane.smith@example.com"
    assert detail["reporter_phone"] == "+1 555 0100"
    assert (detail["group_name"], detail["assignee_name"]) == ("Network Team", "Sofia Marquez")
    assert detail["occurred_at"] == "2025-03-04T08:30:00+00:00"
    assert detail["is_drill"] is True
    assert [entry["field"] for entry in detail["history"]] == ["created"]
    assert set(detail) == {f.name for f in fields(IncidentDetail)} | {"number_value"}

    listed = cli("list", "--json").json()
    shown = cli("show", "1", "--json").json()

    assert len(listed) == 1
    assert set(listed[0]) >= LIST_KEYS
    assert listed[0] == listed[0] | {
        "number": "INC-000001",
        "title": "Printer jams on floor 3",
        "status": "assigned",
        "priority": "P1",
        "category": "Hardware > Printer",
        "reporter": "Jane Smith",
        "assignee": "Sofia Marquez",
        "group": "Network Team",
        "channel": "walk-in",
        "created_at": detail["created_at"],
        "updated_at": detail["updated_at"],
    }
    assert shown == detail


def test_human_list_and_show_are_readable(cli, incident):
    listing = cli("list")
    shown = cli("show", incident)

    header, row = listing.out.splitlines()[:2]
    assert header.split() == [
        "NUMBER",
        "CREATED",
        "PRI",
        "STATUS",
        "CATEGORY",
        "REPORTER",
        "GROUP",
        "ASSIGNEE",
        "TITLE",
    ]
    assert row.startswith("INC-000001")
    assert header.index("TITLE") == row.index("Wi-Fi drops")  # columns line up
    assert shown.out.startswith("INC-000001  Wi-Fi drops")
    assert "Drops every few minutes" in shown.out
    assert "Reporter  Ann Lee" in shown.out


def test_update_changes_fields_and_records_history(cli, incident):
    result = cli(
        "update", incident,
        "--title", "Wi-Fi drops in the boardroom",
        "--category", "Network > Wi-Fi",
        "--impact", "1",
        "--urgency", "2",
        "--channel", "email",
        "--workaround", "Use a cable",
        "--resolution-code", "Configuration changed",
        "--json",
    )  # fmt: skip

    assert result.code == 0, result.err
    detail = result.json()
    assert detail["title"] == "Wi-Fi drops in the boardroom"
    assert detail["category_path"] == "Network > Wi-Fi"
    assert (detail["impact"], detail["urgency"], detail["priority"]) == (1, 2, "P2")
    assert detail["channel"] == "email"
    assert detail["workaround"] == "Use a cable"
    assert detail["resolution_code"] == "Configuration changed"
    assert detail["version"] == 2
    changed = {entry["field"] for entry in detail["history"]}
    assert {"title", "category_id", "impact", "urgency", "priority", "channel", "workaround"} <= changed


def test_update_reports_changes_and_refuses_an_empty_update(cli, incident):
    changed = cli("update", incident, "--title", "New title")
    unchanged = cli("update", incident, "--title", "New title")
    empty = cli("update", incident)

    assert changed.out.startswith("Updated INC-000001: title (version 2)")
    assert "nothing changed" in unchanged.out
    assert empty.code == 2
    assert "Nothing to change" in empty.err


def test_priority_override_needs_a_reason_and_can_be_cleared(cli, incident):
    refused = cli("update", incident, "--priority", "P1")
    overridden = cli("update", incident, "--priority", "P1", "--priority-reason", "VIP", "--json").json()
    cleared = cli("update", incident, "--clear-priority", "--json").json()

    assert refused.code == 2
    assert "reason for overriding the priority is required" in refused.err
    assert (overridden["priority"], overridden["priority_override_reason"]) == ("P1", "VIP")
    assert (cleared["priority"], cleared["priority_override_reason"]) == ("P5", None)


def test_update_can_switch_to_a_new_reporter(cli, incident):
    result = cli("update", incident, "--reporter", "bob.jones@example.com", "--json")

    assert result.code == 0, result.err
    assert (result.json()["reporter_name"], result.json()["reporter_email"]) == ("Bob Jones", "bob.jones@example.com")


def test_assign_to_agent_then_other_group_then_unassign(cli, incident, network_agent):
    to_agent = cli("assign", incident, "--to", network_agent, "--group", "Network Team", "--json").json()
    other_group = cli("assign", incident, "--group", "Field Services", "--json").json()
    back = cli("assign", incident, "--to", network_agent, "--json").json()
    unassigned = cli("assign", incident, "--unassign", "--json").json()

    assert (to_agent["group_name"], to_agent["assignee_name"], to_agent["status"]) == (
        "Network Team",
        "Sofia Marquez",
        "assigned",
    )
    # A group the assignee is not in takes the work without them.
    assert (other_group["group_name"], other_group["assignee_name"]) == ("Field Services", None)
    assert (back["group_name"], back["assignee_name"]) == ("Field Services", "Sofia Marquez")
    assert (unassigned["group_name"], unassigned["assignee_name"], unassigned["status"]) == (None, None, "new")


def test_assign_needs_something_to_do_and_a_known_agent(cli, incident):
    nothing = cli("assign", incident)
    unknown = cli("assign", incident, "--to", "nobody-here")

    assert nothing.code == 2
    assert "--group GROUP, --to AGENT or --unassign" in nothing.err
    assert unknown.code == 2
    assert "There is no agent 'nobody-here'" in unknown.err


def test_on_hold_needs_a_reason(cli, incident):
    refused = cli("status", incident, "on-hold")
    held = cli("status", incident, "on_hold", "--reason", "caller", "--json")

    assert refused.code == 2
    assert refused.err.startswith("helpdesk-cli: error: Putting an incident on hold needs a reason")
    assert "Traceback" not in refused.err
    assert held.code == 0
    assert (held.json()["status"], held.json()["hold_reason"]) == ("on_hold", "awaiting_caller")


def test_reason_is_refused_outside_on_hold(cli, incident):
    result = cli("status", incident, "in-progress", "--reason", "vendor")

    assert result.code == 2
    assert "--reason only applies" in result.err


def test_resolving_and_closing_need_closure_documentation(cli, incident):
    cli("status", incident, "in-progress")
    unresolved = cli("status", incident, "resolved")
    resolved = cli("status", incident, "resolved", "--resolution-code", "fixed", "--steps", "Moved the access point")
    unclosed = cli("status", incident, "closed")
    closed = cli(
        "status", incident, "closed", "--root-cause", "Channel overlap", "--cause-category", "network", "--informed",
        "--json",
    )  # fmt: skip

    assert unresolved.code == 2
    assert "Resolving needs a resolution code. (1 more: resolution_steps)" in unresolved.err
    assert resolved.code == 0, resolved.err
    assert unclosed.code == 2
    assert "Closing needs a root cause category. (2 more: root_cause, reporter_informed)" in unclosed.err
    assert "Traceback" not in unclosed.err
    detail = closed.json()
    assert detail["status"] == "closed"
    assert detail["closed_at"] is not None
    assert (detail["resolution_code"], detail["root_cause"], detail["resolution_steps"]) == (
        "fixed",
        "Channel overlap",
        "Moved the access point",
    )


def test_closed_incident_is_read_only_until_reopened(cli, incident):
    cli("status", incident, "resolved", "--resolution-code", "fixed", "--steps", "Rebooted")
    cli("status", incident, "closed", "--root-cause", "Firmware", "--cause-category", "software", "--informed")
    refused = cli("note", incident, "one more thing")
    reopened = cli("status", incident, "in-progress", "--reason", "Crashed again", "--json")

    assert refused.code == 2
    assert "read-only" in refused.err
    assert (reopened.json()["status"], reopened.json()["closed_at"]) == ("in_progress", None)


def test_canceled_is_final(cli, incident):
    cli("status", incident, "cancelled")
    result = cli("status", incident, "new")

    assert result.code == 2
    assert "none: it is final" in result.err


def test_note_is_added_with_its_kind(cli, incident):
    result = cli("note", incident, "Checked the access point logs", "--kind", "investigation", "--json")

    assert result.code == 0, result.err
    [note] = result.json()["notes"]
    assert (note["kind"], note["body"]) == ("investigation", "Checked the access point logs")
    assert note["author_name"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--description", "x", "--category", "Nope > Nothing"), "There is no category 'Nope > Nothing'"),
        (("--description", "   "), "The description is required."),
        (("--description", "x", "--title", "t" * 201), "The title is 201 characters long; the limit is 200."),
        (("--description", "x", "--occurred", "2999-01-01T00:00:00+00:00"), "The incident time is in the future."),
        (("--description", "x", "--group", "Nobody"), "There is no group 'Nobody'"),
    ],
)
def test_create_refuses_bad_input_with_exit_2(cli, arguments, message):
    result = cli("create", *arguments)

    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert cli("list", "--json").json() == []


def test_create_accepts_a_200_character_title(cli):
    result = cli("create", "--description", "x", "--title", "t" * 200, "--json")

    assert result.code == 0, result.err
    assert len(result.json()["title"]) == 200


def test_unknown_reporter_name_is_added_to_the_directory(cli):
    created = cli("create", "--description", "Screen flickers", "--reporter", "Nora Quinn")
    found = cli("reporters", "search", "Nora", "--json").json()

    assert "Added Nora Quinn to the reporter directory." in created.out
    assert [r["name"] for r in found] == ["Nora Quinn"]


def test_ambiguous_reporter_name_is_refused_unless_the_email_decides(cli):
    cli("reporter", "add", "Sam Green", "--email", "sam.green@example.com")
    cli("reporter", "add", "Sam Green", "--email", "sam.green2@example.com")

    refused = cli("create", "--description", "No VPN", "--reporter", "sam green")
    decided = cli(
        "create", "--description", "No VPN", "--reporter", "Sam Green", "--reporter-email", "sam.green2@example.com",
        "--json",
    )  # fmt: skip

    assert refused.code == 2
    assert "2 reporters match 'sam green'" in refused.err
    assert decided.code == 0, decided.err
    assert decided.json()["reporter_email"] == "sam.green2@example.com"
    assert decided.json()["number"] == "INC-000001"


@pytest.mark.parametrize(
    ("number", "message"), [("999", "There is no incident INC-000999"), ("abc", "is not an incident number")]
)
def test_show_refuses_unknown_numbers(cli, number, message):
    result = cli("show", number)

    assert result.code == 2
    assert message in result.err
