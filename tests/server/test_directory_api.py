"""Directory mutations: reporters and categories by anyone (deduplicated), groups and agents by admins only."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from central_server.domain.enums import Role
from central_server.domain.permissions import Actor
from central_server.models import Incident
from central_server.services.visibility import incident_visible, visible_incidents
from tests.server.harness import incident_payload


def test_the_same_reporter_email_from_two_clients_is_one_reporter(server):
    alice = server.user_client("agent")
    bob = server.user_client("agent")
    alice_id, bob_id = uuid.uuid4(), uuid.uuid4()

    first = alice.push_one("create_reporter", alice_id, {"name": "Ann Lee", "email": "ann@example.com"})
    second = bob.push_one("create_reporter", bob_id, {"name": "Ann Lee", "email": "ANN@example.com"})
    repeated = alice.push_one("create_reporter", alice_id, {"name": "Ann Lee", "email": "ann@example.com"})
    # Bob's offline incident names his own id for Ann: the server reads it as the existing one.
    created = bob.push_one("create_incident", uuid.uuid4(), incident_payload(reporter_id=bob_id))

    assert first["assigned"] == repeated["assigned"] == second["assigned"] == {"id": str(alice_id)}
    assert created["assigned"]["reporter_id"] == str(alice_id)
    changes, _ = bob.pull_all()
    assert [c["entity_id"] for c in changes if c["entity"] == "reporter"] == [str(alice_id)]


def test_categories_are_deduplicated_by_path_and_need_their_parent(server):
    agent = server.user_client("agent")
    network, vpn, other_network = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    orphan = agent.push_one("create_category", uuid.uuid4(), {"path": "Hardware > Mouse", "parent_id": None})
    root = agent.push_one("create_category", network, {"path": "Network", "parent_id": None})
    child = agent.push_one("create_category", vpn, {"path": "Network > VPN", "parent_id": str(network)})
    same = agent.push_one("create_category", other_network, {"path": "network", "parent_id": None})

    assert (orphan["outcome"], orphan["code"]) == ("rejected", "not_found")
    assert root["outcome"] == child["outcome"] == same["outcome"] == "applied"
    assert same["assigned"] == {"id": str(network)}
    changes, _ = agent.pull_all()
    categories = {c["data"]["path"]: c["data"] for c in changes if c["entity"] == "category"}
    assert categories["Network > VPN"]["parent_id"] == str(network)
    assert categories["Network > VPN"]["name"] == "VPN"


@pytest.mark.parametrize("role", ["agent", "technician", "supervisor", "admin"])
def test_groups_members_and_agents_are_admin_only(server, role):
    actor = server.user_client(role)
    group_id, agent_id = uuid.uuid4(), uuid.uuid4()

    results = actor.push(
        actor.mutation("create_group", group_id, {"name": "Field", "description": None}),
        actor.mutation("create_agent", agent_id, {"name": "Nia Field", "username": "nia", "email": None}),
        actor.mutation("add_group_member", group_id, {"agent_id": agent_id}),
        actor.mutation("update_agent", agent_id, {"name": "Nia Fieldworker"}),
    )

    expected = "applied" if role == "admin" else "rejected"
    assert [r["outcome"] for r in results] == [expected] * 4
    if role != "admin":
        assert {r["code"] for r in results} == {"permission_denied"}
        return
    changes, _ = actor.pull_all()
    rows = [c["data"] for c in changes if c["entity"] == "user" and c["entity_id"] == str(agent_id)]
    # Created, joined, renamed in one push: one change row per transaction group, each with the current state.
    assert 1 <= len(rows) <= 3
    nia = rows[-1]
    assert rows[0] == nia
    assert (nia["name"], nia["username"], nia["group_ids"]) == ("Nia Fieldworker", "nia", [str(group_id)])
    assert server.login_response("nia").status_code == 401  # no password until an admin sets one


@pytest.mark.parametrize("role", ["agent", "technician", "supervisor"])
def test_anyone_renames_themselves_but_nobody_else_and_never_their_role(server, role):
    me = server.user_client(role)
    colleague = server.user_client("agent")

    renamed = me.push_one("update_agent", me.user_id, {"name": "Nia Field", "email": "nia@example.com"})
    promote = me.push_one("update_agent", me.user_id, {"name": "Nia Field", "role": "admin"})
    regroup = me.push_one("update_agent", me.user_id, {"group_ids": []})
    other = me.push_one("update_agent", colleague.user_id, {"name": "Not you"})

    assert renamed["outcome"] == "applied"
    assert [(r["outcome"], r["code"]) for r in (promote, regroup, other)] == [("rejected", "permission_denied")] * 3
    assert "role" in promote["reason"]
    changes, _ = colleague.pull_all()
    mine = [c["data"] for c in changes if c["entity"] == "user" and c["entity_id"] == str(me.user_id)][-1]
    assert (mine["name"], mine["email"], mine["role"]) == ("Nia Field", "nia@example.com", role)
    assert server.login(me.username).tokens["user"]["name"] == "Nia Field"


def test_an_admin_renames_anyone_and_role_changes_are_not_an_update_agent_field(server):
    admin = server.user_client("admin")
    agent = server.user_client("agent")

    renamed = admin.push_one("update_agent", agent.user_id, {"name": "Renamed by admin"})
    role = admin.push_one("update_agent", agent.user_id, {"role": "supervisor"})

    assert renamed["outcome"] == "applied"
    assert (role["outcome"], role["code"]) == ("rejected", "validation_error")
    assert server.login(agent.username).tokens["user"]["name"] == "Renamed by admin"


def test_sql_and_python_visibility_agree(server):
    boss = server.user_client("supervisor")
    agent = server.user_client("agent", groups=["Service Desk"])
    desk, network = server.group("Service Desk"), server.group("Network")
    for group, assignee in [(desk, None), (network, None), (None, None), (network, agent.user_id)]:
        boss.create_incident(group_id=group, assignee_id=assignee, status="assigned" if assignee else "new")
    agent.create_incident(group_id=network)
    actor = Actor(agent.user_id, agent.username, Role.AGENT, frozenset({desk}))

    with server.ctx.sessions() as session:
        everything = list(session.scalars(select(Incident)))
        by_sql = set(session.scalars(select(Incident.id).where(visible_incidents(actor))))

    by_python = {incident.id for incident in everything if incident_visible(actor, incident)}
    assert by_sql == by_python
    assert len(by_python) == 4  # all but the unassigned Network incident the supervisor logged
