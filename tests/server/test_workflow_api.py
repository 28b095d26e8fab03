"""Status from the server's state machine, the reassign role matrix, append-only notes."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from central_server.models import Note
from tests.server.harness import incident_payload

DOCS = {"resolution_code": "fixed", "root_cause": "worn roller", "resolution_steps": "replaced the roller"}
# What Close adds (sync_protocol/workflow_rules.py).
CLOSE = {"root_cause_category": "hardware", "reporter_informed": True}


def _status(client, incident_id, status, **extra):
    return client.push_one("change_status", incident_id, {"status": status, "hold_reason": None, **extra})


def test_status_changes_are_checked_from_the_servers_current_status(server):
    tech = server.user_client("technician")
    supervisor = server.user_client("supervisor")
    incident_id, _ = tech.create_incident()
    # Offline, the technician still sees it as new; meanwhile the supervisor resolved and closed it.
    assert _status(supervisor, incident_id, "resolved", **DOCS)["outcome"] == "applied"
    assert _status(supervisor, incident_id, "closed", **CLOSE)["outcome"] == "applied"

    stale = _status(tech, incident_id, "on_hold", hold_reason="awaiting_vendor")

    assert stale["outcome"] == "rejected"
    assert stale["code"] == "invalid_transition"
    assert "closed cannot become on_hold" in stale["reason"]
    state = tech.incident(incident_id)
    assert state["status"] == "closed"
    assert state["closed_at"] is not None


def test_closure_documentation_hold_reason_and_reopen(server):
    tech = server.user_client("technician")
    incident_id, _ = tech.create_incident()

    no_reason = _status(tech, incident_id, "on_hold")
    held = _status(tech, incident_id, "on_hold", hold_reason="awaiting_caller")
    undocumented = _status(tech, incident_id, "resolved")
    resolved = _status(tech, incident_id, "resolved", resolution_code="fixed", resolution_steps="rebooted")
    reopened = _status(tech, incident_id, "in_progress", reason="Still slow", note_id=str(uuid.uuid4()))
    again = _status(tech, incident_id, "in_progress")

    assert (no_reason["code"], undocumented["code"]) == ("validation_error", "validation_error")
    assert held["outcome"] == resolved["outcome"] == reopened["outcome"] == "applied"
    assert again["outcome"] == "applied"  # already so: a no-op, not an error in the client's list
    state = tech.incident(incident_id)
    assert (state["status"], state["hold_reason"], state["resolved_at"]) == ("in_progress", None, None)
    assert state["resolution_steps"] == "rebooted"


def test_closed_and_canceled_incidents_refuse_edits_and_notes(server):
    agent = server.user_client("agent")
    incident_id, _ = agent.create_incident()
    _status(agent, incident_id, "canceled")

    edit = agent.update(incident_id, {"title": "late edit"}, {"title": "Printer jams"})
    note = agent.push_one("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "late"})

    assert edit["outcome"] == note["outcome"] == "rejected"
    assert "read-only" in edit["reason"]


ROLES = ["agent", "technician", "supervisor", "admin"]
# What PROTOCOL.md allows: supervisors/admins anything; agents/technicians take or release only.
EXPECTED = {
    "take_unassigned_in_my_group": {"agent", "technician", "supervisor", "admin"},
    "take_unassigned_without_group": {"agent", "technician", "supervisor", "admin"},
    "release_my_own": {"agent", "technician", "supervisor", "admin"},
    "take_from_a_colleague": {"supervisor", "admin"},
    "take_in_a_foreign_group": {"supervisor", "admin"},
    "assign_to_someone_else": {"supervisor", "admin"},
    "release_someone_elses": {"supervisor", "admin"},
    # v1.1: routing an incident nobody is assigned to (set, change or clear its group) is anyone's who sees it.
    "route_unassigned_to_another_group": {"agent", "technician", "supervisor", "admin"},
    "route_ungrouped_into_a_group": {"agent", "technician", "supervisor", "admin"},
    "unroute_unassigned": {"agent", "technician", "supervisor", "admin"},
    "route_an_incident_i_cannot_see": {"supervisor", "admin"},
    "move_a_colleagues_incident": {"supervisor", "admin"},
    "route_and_assign_someone_else": {"supervisor", "admin"},
}


def _arrange(server, boss, actor, colleague, case):
    """Create the incident (as the supervisor ``boss``) in the state the case starts from; return (id, target)."""
    desk, other = server.group("Service Desk"), server.group("Network")
    start, target = {
        "take_unassigned_in_my_group": ((desk, None), (desk, actor.user_id)),
        "take_unassigned_without_group": ((None, None), (None, actor.user_id)),
        "release_my_own": ((desk, actor.user_id), (desk, None)),
        "take_from_a_colleague": ((desk, colleague), (desk, actor.user_id)),
        "take_in_a_foreign_group": ((other, None), (other, actor.user_id)),
        "assign_to_someone_else": ((desk, None), (desk, colleague)),
        "release_someone_elses": ((desk, colleague), (desk, None)),
        "route_unassigned_to_another_group": ((desk, None), (other, None)),
        "route_ungrouped_into_a_group": ((None, None), (other, None)),
        "unroute_unassigned": ((desk, None), (None, None)),
        "route_an_incident_i_cannot_see": ((other, None), (desk, None)),
        "move_a_colleagues_incident": ((desk, colleague), (other, colleague)),
        "route_and_assign_someone_else": ((desk, None), (other, colleague)),
    }[case]
    status = "assigned" if start[1] else "new"
    incident_id, _ = boss.create_incident(group_id=start[0], assignee_id=start[1], status=status)
    return incident_id, {"group_id": target[0], "assignee_id": target[1]}


@pytest.mark.parametrize("role", ROLES)
def test_reassign_permission_matrix(server, role):
    actor = server.user_client(role, groups=["Service Desk"])
    colleague = server.add_user("colleague", "technician", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    outcomes = {}
    for case in EXPECTED:
        incident_id, target = _arrange(server, boss, actor, colleague, case)
        result = actor.push_one("reassign", incident_id, target, {"version": 1})
        outcomes[case] = result["outcome"]
        if result["outcome"] == "rejected":
            assert result["code"] == "permission_denied", result
    assert outcomes == {case: "applied" if role in allowed else "rejected" for case, allowed in EXPECTED.items()}


def test_reassign_moves_status_like_the_client(server):
    boss = server.user_client("supervisor")
    tech = server.add_user("tech", "technician")
    incident_id, _ = boss.create_incident()

    boss.push_one("reassign", incident_id, {"group_id": None, "assignee_id": tech})
    assigned = boss.incident(incident_id)
    boss.push_one("reassign", incident_id, {"group_id": None, "assignee_id": None})

    assert (assigned["status"], assigned["assignee_id"]) == ("assigned", str(tech))
    assert boss.incident(incident_id)["status"] == "new"


def test_creating_an_incident_assigned_to_someone_else_follows_the_assign_rule(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    colleague = server.add_user("colleague", "agent", groups=["Service Desk"])
    network = server.group("Network")

    foreign = agent.push_one(
        "create_incident", uuid.uuid4(), incident_payload(assignee_id=colleague, status="assigned")
    )
    routed = agent.push_one("create_incident", uuid.uuid4(), incident_payload(group_id=network))

    assert (foreign["outcome"], foreign["code"]) == ("rejected", "permission_denied")
    assert routed["outcome"] == "applied"


def test_notes_from_two_clients_are_both_kept_and_a_retry_adds_nothing(server):
    tech = server.user_client("technician")
    boss = server.user_client("supervisor")
    incident_id, _ = tech.create_incident()
    tech_note = tech.mutation("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "On site"})

    tech.push(tech_note)
    boss.push_one("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "communication", "body": "Told user"})
    tech.push(tech_note)

    changes, _ = tech.pull_all()
    notes = {c["entity_id"]: c["data"]["body"] for c in changes if c["entity"] == "note"}
    assert sorted(notes.values()) == ["On site", "Told user"]


def test_an_agent_routes_a_logged_call_to_another_team_and_back_out(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    network = server.group("Network")
    incident_id, _ = agent.create_incident(group_id=server.group("Service Desk"))

    routed = agent.push_one("reassign", incident_id, {"group_id": network, "assignee_id": None})
    after_routing = boss.incident(incident_id)
    # The agent logged it, so still sees it, and may route it on again (here: out of every group).
    unrouted = agent.push_one("reassign", incident_id, {"group_id": None, "assignee_id": None})

    assert routed["outcome"] == unrouted["outcome"] == "applied"
    assert (after_routing["group_id"], after_routing["status"]) == (str(network), "new")
    assert boss.incident(incident_id)["group_id"] is None


def _note(client, incident_id, body="Offline note"):
    return client.push_one("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": body})


def _stored_notes(server, incident_id):
    with server.ctx.sessions() as session:
        return sorted(session.scalars(select(Note.body).where(Note.incident_id == incident_id)))


def test_a_technicians_offline_note_is_kept_after_a_supervisor_moved_the_incident_away(server):
    tech = server.user_client("technician", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    other_tech = server.add_user("nettech", "technician", groups=["Network"])
    incident_id, _ = boss.create_incident(group_id=desk, assignee_id=tech.user_id, status="assigned")
    _, cursor = tech.pull_all()
    # While the technician is offline, the supervisor gives the incident to the network team.
    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": other_tech})

    note = _note(tech, incident_id, "Replaced the cable before leaving")

    assert (note["outcome"], note["code"]) == ("applied", None)
    assert _stored_notes(server, incident_id) == ["Replaced the cable before leaving"]
    # Visibility is unchanged: the former assignee gets tombstones for the incident and the note.
    changes, _ = tech.pull_all(cursor)
    assert {(c["entity"], c["op"]) for c in changes} >= {("incident", "delete"), ("note", "delete")}
    boss_notes = [c for c in boss.pull_all()[0] if c["entity"] == "note"]
    assert [c["data"]["author_id"] for c in boss_notes] == [str(tech.user_id)]


def test_an_earlier_notes_author_may_still_add_notes_but_not_on_a_closed_incident(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    incident_id, _ = boss.create_incident(group_id=desk)
    _note(agent, incident_id, "Caller rang back")
    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": None})

    after_move = _note(agent, incident_id, "Caller rang again")
    _status(boss, incident_id, "resolved", resolution_code="fixed", resolution_steps="rebooted")
    on_resolved = _note(agent, incident_id, "Caller confirms")
    _status(boss, incident_id, "closed", root_cause="driver", **CLOSE)
    on_closed = _note(agent, incident_id, "Too late")

    assert after_move["outcome"] == on_resolved["outcome"] == "applied"
    assert (on_closed["outcome"], on_closed["code"]) == ("rejected", "validation_error")
    assert "read-only" in on_closed["reason"]
    assert _stored_notes(server, incident_id) == ["Caller confirms", "Caller rang again", "Caller rang back"]


def test_the_creator_and_a_former_assignee_found_through_the_audit_may_add_notes(server):
    creator = server.user_client("agent", groups=["Service Desk"])
    first = server.user_client("technician", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    desk, network = server.group("Service Desk"), server.group("Network")
    incident_id, _ = creator.create_incident(group_id=desk)
    boss.push_one("reassign", incident_id, {"group_id": desk, "assignee_id": first.user_id})
    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": boss.user_id})

    results = [_note(creator, incident_id), _note(first, incident_id)]

    assert [r["outcome"] for r in results] == ["applied", "applied"]


def test_notes_of_an_incident_reassigned_away_are_refused_for_an_agent_who_cannot_see_it(server):
    agent = server.user_client("agent", groups=["Service Desk"])
    boss = server.user_client("supervisor")
    network = server.group("Network")
    incident_id, _ = boss.create_incident(group_id=server.group("Service Desk"))
    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": None})

    note = agent.push_one("add_note", incident_id, {"note_id": uuid.uuid4(), "kind": "worklog", "body": "Late note"})

    assert (note["outcome"], note["code"]) == ("rejected", "permission_denied")
