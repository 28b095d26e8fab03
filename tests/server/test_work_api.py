"""Working an incident on the server: escalation role matrix, the shared closure rules, reopen reasons,
worklog minutes and audience, and what pull hands back (on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest

from tests.server.test_workflow_api import CLOSE, DOCS

ROLES = ["agent", "technician", "supervisor", "admin"]
# Who may escalate how (central_server/domain/escalation.py): functional and hierarchical are anyone's who
# sees the incident; naming a person in another group, and reassignment with a reason, are a supervisor's.
EXPECTED = {
    "functional_to_another_group": {"agent", "technician", "supervisor", "admin"},
    "functional_naming_a_person": {"supervisor", "admin"},
    "hierarchical_to_a_supervisor": {"agent", "technician", "supervisor", "admin"},
    "reassignment_with_a_reason": {"supervisor", "admin"},
}


def _escalate(client, incident_id, kind, group_id, assignee_id, reason="Needs the network team", note_id=None):
    payload = {
        "kind": kind,
        "reason": reason,
        "group_id": group_id,
        "assignee_id": assignee_id,
        "note_id": note_id or uuid.uuid4(),
    }
    return client.push_one("escalate", incident_id, payload, {"version": 1})


@pytest.mark.parametrize("role", ROLES)
def test_escalation_permission_matrix(server, role):
    actor = server.user_client(role, groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    colleague = server.add_user("netcolleague", "technician", groups=["Network"])
    targets = {
        "functional_to_another_group": ("functional", network, None),
        "functional_naming_a_person": ("functional", network, colleague),
        "hierarchical_to_a_supervisor": ("hierarchical", desk, boss.user_id),
        "reassignment_with_a_reason": ("reassignment", network, colleague),
    }
    outcomes = {}
    for case, (kind, group_id, assignee_id) in targets.items():
        incident_id, _ = boss.create_incident(group_id=desk, assignee_id=actor.user_id, status="assigned")
        result = _escalate(actor, incident_id, kind, group_id, assignee_id)
        outcomes[case] = result["outcome"]
        if result["outcome"] == "rejected":
            assert result["code"] == "permission_denied", result
    assert outcomes == {case: "applied" if role in allowed else "rejected" for case, allowed in EXPECTED.items()}


@pytest.mark.parametrize(
    ("kind", "target", "reason", "message"),
    [
        ("functional", "desk", "why", "another group"),
        ("functional", "network", "   ", "needs a reason"),
        ("hierarchical", "technician", "why", "supervisor or an admin"),
        ("hierarchical", "nobody", "why", "names the supervisor"),
        ("sideways", "network", "why", "kind must be one of"),
    ],
)
def test_escalation_rules_are_enforced_on_the_server(server, kind, target, reason, message):
    tech = server.user_client("technician", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    other_tech = server.add_user("othertech", "technician", groups=["Service Desk"])
    incident_id, _ = boss.create_incident(group_id=desk, assignee_id=tech.user_id, status="assigned")
    group_id, assignee_id = {
        "desk": (desk, None),
        "network": (network, None),
        "technician": (desk, other_tech),
        "nobody": (desk, None),
    }[target]
    if target == "nobody":
        group_id = network  # a different placement, so only the missing supervisor is wrong

    result = _escalate(tech, incident_id, kind, group_id, assignee_id, reason=reason)

    assert (result["outcome"], result["code"]) == ("rejected", "validation_error")
    assert message in result["reason"]
    assert boss.incident(incident_id)["assignee_id"] == str(tech.user_id)


def test_an_escalation_reaches_every_client_as_an_escalation_note(server):
    tech = server.user_client("technician", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    incident_id, _ = boss.create_incident(group_id=desk, assignee_id=tech.user_id, status="assigned")
    note_id = uuid.uuid4()

    first = _escalate(tech, incident_id, "functional", network, None, note_id=note_id)
    replay = _escalate(tech, incident_id, "functional", network, None, note_id=note_id)

    assert first["outcome"] == "applied"
    # Handed to a group the technician is not in: it is out of their hands now.
    assert (replay["outcome"], replay["code"]) == ("rejected", "permission_denied")
    changes, _ = boss.pull_all()
    [note] = [c["data"] for c in changes if c["entity"] == "note"]
    assert (note["id"], note["kind"], note["author_id"]) == (str(note_id), "escalation", str(tech.user_id))
    assert note["details"]["kind"] == "functional"
    assert note["details"]["to_group_id"] == str(network)
    assert note["body"] == "Escalated to Network: Needs the network team"
    state = boss.incident(incident_id)
    assert (state["group_id"], state["assignee_id"]) == (str(network), None)


def test_a_close_that_breaks_the_shared_rules_is_rejected_with_the_rules_message(server):
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    resolved = tech.push_one("change_status", incident_id, {"status": "resolved", **DOCS})
    free_code = tech.push_one("change_status", incident_id, {"status": "closed", "resolution_code": "zapped", **CLOSE})
    not_told = tech.push_one(
        "change_status",
        incident_id,
        {"status": "closed", "root_cause_category": "hardware", "reporter_informed": False},
    )
    told_why_not = tech.push_one(
        "change_status",
        incident_id,
        {
            "status": "closed",
            "root_cause_category": "hardware",
            "reporter_informed": False,
            "reporter_not_informed_reason": "Left the company",
        },
    )

    assert resolved["outcome"] == "applied"
    assert (free_code["outcome"], free_code["code"]) == ("rejected", "validation_error")
    assert "'zapped' is not a resolution code" in free_code["reason"]
    assert "not informed: closing needs the reason why" in not_told["reason"]
    assert told_why_not["outcome"] == "applied"
    state = tech.incident(incident_id)
    assert (state["status"], state["reporter_informed"], state["reporter_not_informed_reason"]) == (
        "closed",
        False,
        "Left the company",
    )


def test_reopen_needs_a_reason_and_records_it_as_a_system_note(server):
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    tech.push_one("change_status", incident_id, {"status": "resolved", **DOCS})
    no_reason = tech.push_one("change_status", incident_id, {"status": "in_progress"})
    note_id = uuid.uuid4()
    reopened = tech.push_one(
        "change_status", incident_id, {"status": "in_progress", "reason": "Still jams", "note_id": note_id}
    )

    assert (no_reason["outcome"], no_reason["code"]) == ("rejected", "validation_error")
    assert "Reopening an incident needs a reason" in no_reason["reason"]
    assert reopened["outcome"] == "applied"
    notes = [c["data"] for c in tech.pull_all()[0] if c["entity"] == "note"]
    assert [(n["id"], n["kind"], n["body"]) for n in notes] == [
        (str(note_id), "system", "Reopened from resolved: Still jams")
    ]


def test_worklog_minutes_and_audience_travel_and_are_checked(server):
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()
    note_id = uuid.uuid4()
    entry = {
        "note_id": note_id,
        "kind": "worklog",
        "body": "On site",
        "time_spent_minutes": 40,
        "visibility": "visible",
    }
    good = tech.push_one("add_note", incident_id, entry)
    bad_minutes = tech.push_one("add_note", incident_id, entry | {"note_id": uuid.uuid4(), "time_spent_minutes": -5})
    bad_audience = tech.push_one("add_note", incident_id, entry | {"note_id": uuid.uuid4(), "visibility": "world"})

    assert good["outcome"] == "applied"
    assert "Time spent must be whole minutes" in bad_minutes["reason"]
    assert "Visibility must be internal or visible" in bad_audience["reason"]
    [note] = [c["data"] for c in tech.pull_all()[0] if c["entity"] == "note"]
    assert (note["time_spent_minutes"], note["visibility"]) == (40, "visible")


def test_a_known_error_reaches_every_user_and_a_replay_adds_nothing(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    other = server.user_client("technician", groups=["Network"])
    incident_id, _ = agent.create_incident()
    entry_id = uuid.uuid4()
    payload = {
        "category_id": None,
        "symptom": "VPN drops",
        "workaround": "Web portal",
        "source_incident_id": incident_id,
    }

    first = agent.push_one("save_knowledge", entry_id, payload)
    again = agent.push_one("save_knowledge", entry_id, payload)
    blank = agent.push_one("save_knowledge", uuid.uuid4(), payload | {"symptom": " "})

    assert (first["outcome"], again["outcome"]) == ("applied", "applied")
    assert (blank["outcome"], blank["code"]) == ("rejected", "validation_error")
    pulled = [c["data"] for c in other.pull_all()[0] if c["entity"] == "knowledge"]
    assert [(k["id"], k["symptom"], k["workaround"]) for k in pulled] == [(str(entry_id), "VPN drops", "Web portal")]
    page = other.get("/sync/bootstrap").json()
    assert [e["entity_id"] for e in page["entities"] if e["entity"] == "knowledge"] == [str(entry_id)]
