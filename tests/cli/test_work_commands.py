"""helpdesk-cli note (worklog), take, escalate, workaround, resolve, close, reopen, timeline, resolution-codes."""

from __future__ import annotations

import pytest


@pytest.fixture
def incident(cli) -> str:
    result = cli("create", "--title", "VPN drops", "--description", "Drops every hour", "--group", "Service Desk")
    assert result.code == 0, result.err
    return "INC-000001"


@pytest.fixture
def supervisor(cli) -> str:
    result = cli("agent", "add", "Sam Boss", "--username", "sboss", "--group", "Network Team")
    assert result.code == 0, result.err
    return "sboss"


def test_a_worklog_note_with_minutes_and_audience(cli, incident):
    added = cli("note", incident, "Checked the tunnel logs", "--minutes", "35", "--visible", "--json")
    refused = cli("note", incident, "x", "--minutes", "-3")

    assert added.code == 0, added.err
    note = added.json()["notes"][-1]
    assert (note["time_spent_minutes"], note["visibility"], note["kind"]) == (35, "visible", "worklog")
    assert refused.code == 2
    assert "Time spent must be whole minutes" in refused.err
    workaround_note = cli("note", incident, "Try the web portal", "--kind", "workaround", "--json")
    timed_workaround = cli("note", incident, "x", "--kind", "workaround", "--minutes", "5")
    assert workaround_note.json()["notes"][-1]["kind"] == "workaround"
    assert timed_workaround.code == 2


def test_take_and_escalate_with_a_required_reason(cli, incident, supervisor):
    taken = cli("take", incident, "--json")
    no_reason = cli("escalate", incident, "--kind", "functional", "--group", "Network Team", "--reason", " ")
    functional = cli("escalate", incident, "--group", "Network Team", "--reason", "Tunnel config", "--json")
    upward = cli("escalate", incident, "--kind", "hierarchical", "--to", supervisor, "--reason", "Needs approval")

    assert (taken.json()["assignee_name"], taken.json()["group_name"]) == (
        taken.json()["created_by_name"],
        "Service Desk",
    )
    assert no_reason.code == 2
    assert "An escalation needs a reason" in no_reason.err
    assert functional.code == 0, functional.err
    assert (functional.json()["group_name"], functional.json()["assignee_name"]) == ("Network Team", None)
    assert functional.json()["notes"][-1]["kind"] == "escalation"
    assert upward.code == 0, upward.err
    assert "escalated (hierarchical) to Network Team / Sam Boss" in upward.out


def test_workaround_publish_and_clear(cli, incident):
    nothing = cli("workaround", incident, "--publish")
    saved = cli("workaround", incident, "Use the web VPN portal")
    published = cli("workaround", incident, "--publish", "--json")
    cleared = cli("workaround", incident, "--clear", "--json")

    assert nothing.code == 2
    assert "Write the workaround before publishing" in nothing.err
    assert saved.code == 0
    assert published.json()["notes"][-1]["visibility"] == "visible"
    assert cleared.json()["workaround"] is None
    history = [(h["old_value"], h["new_value"]) for h in cleared.json()["history"] if h["field"] == "workaround"]
    assert history == [(None, "Use the web VPN portal"), ("Use the web VPN portal", None)]


def test_resolve_close_and_reopen_follow_the_rules(cli, incident):
    bad_code = cli("resolve", incident, "--code", "zapped", "--notes", "Reset")
    resolved = cli("resolve", incident, "--code", "fixed", "--notes", "Reset the tunnel", "--json")
    not_told = cli("close", incident, "--cause-category", "network", "--root-cause", "MTU", "--not-informed", " ")
    closed = cli("close", incident, "--cause-category", "network", "--root-cause", "MTU", "--informed", "--json")
    read_only = cli("note", incident, "late")
    no_reason = cli("reopen", incident, "--reason", "")
    reopened = cli("reopen", incident, "--reason", "Drops again", "--json")

    assert bad_code.code == 2
    assert "'zapped' is not a resolution code" in bad_code.err
    assert resolved.json()["status"] == "resolved"
    assert not_told.code == 2
    assert "closing needs the reason why" in not_told.err
    assert (closed.json()["status"], closed.json()["root_cause_category"]) == ("closed", "network")
    assert read_only.code == 2
    assert no_reason.code == 2
    assert "Reopening an incident needs a reason" in no_reason.err
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["notes"][-1]["body"] == "Reopened from closed: Drops again"


def test_resolve_without_incident_or_conflict_options_says_how(cli, incident):
    result = cli("resolve", incident)

    assert result.code == 2
    assert "--code and --notes" in result.err


def test_timeline_newest_first_and_filtered(cli, incident):
    cli("note", incident, "Called the user", "--minutes", "5")
    cli("status", incident, "on-hold", "--reason", "caller")
    everything = cli("timeline", incident, "--json")
    statuses = cli("timeline", incident, "--only", "status", "--json")

    kinds = [entry["kind"] for entry in everything.json()]
    assert kinds[0] == "status"
    assert "note" in kinds
    assert [entry["title"] for entry in statuses.json()][-1] == "Logged as INC-000001"
    assert {entry["kind"] for entry in statuses.json()} == {"status"}


def test_resolution_codes_are_listed(cli):
    result = cli("resolution-codes", "--json")

    assert "workaround_provided" in result.json()["resolution_codes"]
    assert "hardware" in result.json()["root_cause_categories"]


def test_similar_link_and_known_errors(cli, incident):
    cli("create", "--title", "VPN drops on the train", "--description", "The VPN drops on mobile data")
    cli("create", "--title", "Printer jams", "--description", "Paper jam on floor 3")
    kept = cli("workaround", incident, "Use the web VPN portal", "--keep", "VPN drops every hour")
    similar = cli("similar", incident, "--json")
    linked = cli("link", "INC-000002", "--to", incident, "--duplicate", "--json")
    known = cli("known", "my vpn drops", "--json")
    nothing = cli("known", "keyboard")

    assert "Kept as a known error" in kept.out
    assert [s["number"] for s in similar.json()] == ["INC-000002"]
    assert linked.json()["notes"][-1]["body"] == "Duplicate of INC-000001: VPN drops"
    assert [k["workaround"] for k in known.json()] == ["Use the web VPN portal"]
    assert "No known error matches" in nothing.out


def test_a_deployments_resolution_codes_apply_to_the_cli_process(cli_process, tmp_path):
    codes = tmp_path / "codes.json"
    codes.write_text('{"fixed_remotely": "Fixed remotely", "vendor_fix": "Vendor fix"}', encoding="utf-8")
    env = {"HELPDESK_RESOLUTION_CODES": str(codes)}
    data = str(tmp_path / "desk")
    cli_process("--data-dir", data, "create", "--description", "Scanner dead", env=env)

    listed = cli_process("--data-dir", data, "resolution-codes", "--json", env=env)
    default_code = cli_process("--data-dir", data, "resolve", "INC-000001", "--code", "fixed", "--notes", "x", env=env)
    own_code = cli_process("--data-dir", data, "resolve", "INC-000001", "--code", "vendor_fix", "--notes", "x", env=env)

    assert list(listed.json()["resolution_codes"]) == ["fixed_remotely", "vendor_fix"]
    assert default_code.code == 2
    assert "'fixed' is not a resolution code (use one of: fixed_remotely, vendor_fix)" in default_code.err
    assert own_code.code == 0, own_code.err


def test_a_broken_codes_file_refuses_resolving_with_its_reason(cli_process, tmp_path):
    codes = tmp_path / "codes.json"
    codes.write_text("not json", encoding="utf-8")
    env = {"HELPDESK_RESOLUTION_CODES": str(codes)}
    data = str(tmp_path / "desk")
    cli_process("--data-dir", data, "create", "--description", "Scanner dead", env=env)

    refused = cli_process("--data-dir", data, "resolve", "INC-000001", "--code", "fixed", "--notes", "x", env=env)

    assert refused.code == 2
    assert "No resolution code can be used: HELPDESK_RESOLUTION_CODES=" in refused.err
    assert "Traceback" not in refused.err
