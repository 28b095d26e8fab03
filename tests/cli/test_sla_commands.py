"""`helpdesk-cli sla NUMBER`: clocks in text and JSON, paused on hold, refused for an unknown number."""

from __future__ import annotations

from datetime import datetime, timedelta


def test_sla_json_for_a_new_p1(cli):
    created = cli("create", "--description", "Core switch down", "--impact", "1", "--urgency", "1")
    assert created.code == 0, created.err
    before = datetime.now().astimezone()
    result = cli("sla", "INC-000001", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["number"] == "INC-000001"
    response, resolution = data["clocks"]["response"], data["clocks"]["resolution"]
    assert (response["state"], response["priority"], response["target_minutes"]) == ("running", "P1", 60)
    assert (resolution["state"], resolution["target_minutes"]) == ("running", 240)
    due = datetime.fromisoformat(resolution["due_at"])
    assert before + timedelta(hours=3, minutes=58) < due <= before + timedelta(hours=4, minutes=1)
    assert data["warn_share"] == 0.75


def test_sla_text_shows_pause_on_hold_and_met_response(cli):
    assert cli("create", "--description", "Laptop will not boot").code == 0
    assert cli("status", "INC-000001", "in_progress").code == 0
    assert cli("status", "INC-000001", "on_hold", "--reason", "awaiting_vendor").code == 0
    result = cli("sla", "1")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("INC-000001  SLA as of")
    assert lines[1].split()[:3] == ["Response", "Met:", "done"]
    assert lines[2].split()[:2] == ["Resolution", "Paused:"]
    assert lines[2].endswith("100 h left · paused while on hold (P5 target 100 h)")


def test_sla_for_an_unknown_incident_is_refused(cli):
    result = cli("sla", "INC-000042")
    assert result.code == 2
    assert "no incident INC-000042" in result.err


def test_sla_soon_lists_nothing_for_fresh_incidents_and_needs_a_number_otherwise(cli):
    assert cli("create", "--description", "Core switch down", "--impact", "1", "--urgency", "1").code == 0
    soon = cli("sla", "--soon", "--json")
    assert soon.code == 0, soon.err
    assert soon.json() == []
    assert cli("sla", "--soon").out.strip() == "No open incident is past the warning share."
    refused = cli("sla")
    assert refused.code == 2
    assert "--soon" in refused.err
