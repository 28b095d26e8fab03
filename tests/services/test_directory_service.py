"""Groups, agents and the first run of a client (bootstrap)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.context import AppContext, open_context
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.services.category_service import DEFAULT_TREE
from desktop_app.services.directory_service import DEFAULT_GROUPS
from tests.support.builders import incident_draft, make_agent
from tests.support.database import count, max_seq, outbox_after
from tests.support.fakes import FixedClock, SequentialIds


def test_groups_are_listed_by_name(context: AppContext) -> None:
    assert [g.name for g in context.directory.groups()] == sorted(DEFAULT_GROUPS)


def test_add_group_and_refuse_duplicates_in_any_case(context: AppContext) -> None:
    result = context.directory.add_group("  Database Team ", "Second line: databases")
    group = result.value
    assert (group.name, group.description) == ("Database Team", "Second line: databases")
    assert result.changes.ids("group") == {group.id}
    before = count(context, "groups"), count(context, "outbox")
    for name in ("Database Team", "database team", "SERVICE DESK"):
        with pytest.raises(ValidationError, match="already exists") as info:
            context.directory.add_group(name)
        assert info.value.field == "group"
    assert (count(context, "groups"), count(context, "outbox")) == before
    assert context.directory.find_group(" database   TEAM").id == group.id


def test_add_agent_with_groups_and_refuse_duplicate_usernames(context: AppContext) -> None:
    seq = max_seq(context)
    agent = context.directory.add_agent("Kai Moss", "kmoss", "kai@it.example", groups=["network team"]).value
    network = context.directory.find_group("Network Team")
    assert agent.group_ids == (network.id,)
    assert not agent.is_self
    assert [e.name for e in outbox_after(context, seq)] == ["create_agent"]
    before = count(context, "agents")
    for username in ("kmoss", "KMoss", "TESTER"):
        with pytest.raises(ValidationError, match="is taken"):
            context.directory.add_agent("Someone", username)
    with pytest.raises(NotFoundError, match=r"no group 'Nope'.*Network Team"):
        context.directory.add_agent("Lee Park", "lpark", groups=["Nope"])
    assert count(context, "agents") == before
    assert [a.name for a in context.directory.agents(network.id)] == ["Kai Moss"]


def test_find_agent_by_name_or_username(context: AppContext) -> None:
    make_agent(context, "Mia Wong", "mwong")
    make_agent(context, "Mia Wong", "mwong2")
    assert context.directory.find_agent("MWONG").username == "mwong"
    with pytest.raises(ValidationError, match="Several agents"):
        context.directory.find_agent("mia wong")
    with pytest.raises(NotFoundError, match="no agent 'Nobody'"):
        context.directory.find_agent("Nobody")


def test_search_agents_puts_the_group_first(context: AppContext) -> None:
    make_agent(context, "Alex Field", "afield", groups=("Field Services",))
    make_agent(context, "Alex Desk", "adesk", groups=("Service Desk",))
    make_agent(context, "Sandra Alexander", "salex", groups=("Field Services",))
    field = context.directory.find_group("Field Services")
    assert [a.name for a in context.directory.search_agents("alex")] == ["Alex Desk", "Alex Field", "Sandra Alexander"]
    in_group_first = [a.name for a in context.directory.search_agents("alex", group_id=field.id)]
    assert in_group_first == ["Alex Field", "Sandra Alexander", "Alex Desk"]
    assert [a.username for a in context.directory.search_agents("SALEX")] == ["salex"]
    assert len(context.directory.search_agents("", limit=2)) == 2


def test_search_groups_prefix_first(context: AppContext) -> None:
    context.directory.add_group("Desktop Support")
    assert [g.name for g in context.directory.search_groups("desk")] == ["Desktop Support", "Service Desk"]
    assert context.directory.search_groups("zzz") == []


def test_add_member_once(context: AppContext) -> None:
    agent = make_agent(context, "Noa Berg", "nberg")
    first = context.directory.add_member("Network Team", "nberg")
    second = context.directory.add_member("network team", "Noa Berg")
    assert first.changes.ids("group") == {first.value.id}
    assert not second.changes
    assert context.directory.find_agent("nberg").group_ids == (first.value.id,)
    assert agent.group_ids == ()


def test_me_is_the_local_agent(context: AppContext) -> None:
    me = context.directory.me()
    assert (me.name, me.username, me.is_self) == ("Terry Tester", "tester", True)
    assert context.directory.find_group("Service Desk").id in me.group_ids
    renamed = context.directory.rename_me("Terry T. Tester").value
    assert renamed.name == "Terry T. Tester"


# --- bootstrap -------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("LOGNAME", "first.runner")
    context = open_context(tmp_path / "fresh", clock=FixedClock(), ids=SequentialIds(), initialise=False)
    yield context
    context.close()


def test_first_run_creates_device_agent_tree_and_groups(fresh: AppContext) -> None:
    with pytest.raises(NotFoundError, match="no local agent"):
        fresh.directory.me()
    report = fresh.bootstrap.initialise().value
    assert report.created_device
    assert report.local_agent == "first.runner"
    assert report.categories_added == len(DEFAULT_TREE) + sum(len(c) for c in DEFAULT_TREE.values())
    assert report.groups_added == len(DEFAULT_GROUPS)
    assert count(fresh, "categories") == report.categories_added
    me = fresh.directory.me()
    assert (me.username, me.is_self) == ("first.runner", True)
    assert fresh.directory.find_group("Service Desk").id in me.group_ids


def test_initialise_is_idempotent(fresh: AppContext) -> None:
    fresh.bootstrap.initialise()
    snapshot = [count(fresh, t) for t in ("agents", "categories", "groups", "outbox", "device_state")]
    again = fresh.bootstrap.initialise()
    assert again.value.created_device is False
    assert (again.value.categories_added, again.value.groups_added) == (0, 0)
    assert not again.changes
    assert [count(fresh, t) for t in ("agents", "categories", "groups", "outbox", "device_state")] == snapshot


def test_local_agent_is_the_actor_of_later_changes(fresh: AppContext) -> None:
    fresh.bootstrap.initialise()
    me = fresh.directory.me()
    seq = max_seq(fresh)
    incident = fresh.incidents.create(incident_draft()).value
    fresh.incidents.add_note(incident.id, "Looked at it")
    assert incident.created_by_name == "first.runner"
    assert {e.actor_id for e in outbox_after(fresh, seq)} == {me.id}
    assert fresh.incidents.get(incident.id).history[0].actor_name == "first.runner"
