"""Directory commands in-process: groups, agents, whoami, categories and reporters."""

from __future__ import annotations


def test_group_add_list_and_members(cli):
    added = cli("group", "add", "Applications", "--description", "Business apps")
    cli("agent", "add", "Hannah Vogel", "--username", "hvogel")
    members = cli("group", "members", "applications", "hvogel", "--json").json()
    groups = cli("groups", "list", "--json").json()

    assert added.out.strip() == "Added group Applications."
    assert [m["username"] for m in members["members"]] == ["hvogel"]
    by_name = {g["name"]: g for g in groups}
    assert by_name["Applications"]["description"] == "Business apps"
    assert by_name["Applications"]["members"] == ["hvogel"]
    assert {"Service Desk", "Network Team", "Field Services"} <= set(by_name)


def test_duplicate_group_is_refused(cli):
    result = cli("group", "add", "Service Desk")

    assert result.code == 2
    assert "A group called 'Service Desk' already exists." in result.err


def test_agent_add_and_list_with_groups(cli):
    added = cli(
        "agent", "add", "Grace Okoye", "--username", "gokoye", "--email", "grace@example.com",
        "--group", "Field Services", "Network Team", "--group", "Service Desk",
    )  # fmt: skip
    agents = {a["username"]: a for a in cli("agent", "list", "--json").json()}
    table = cli("agents", "list").out

    assert added.code == 0, added.err
    assert sorted(agents["gokoye"]["groups"]) == ["Field Services", "Network Team", "Service Desk"]
    assert agents["gokoye"]["email"] == "grace@example.com"
    assert agents["gokoye"]["is_self"] is False
    assert "Grace Okoye" in table
    assert "(you)" in table


def test_taken_username_is_refused(cli):
    cli("agent", "add", "Tom Becker", "--username", "tbecker")
    result = cli("agent", "add", "Tom Becker Jr", "--username", "tbecker")

    assert result.code == 2
    assert "The username 'tbecker' is taken." in result.err


def test_whoami_is_the_local_agent(cli, cli_data_dir):
    me = cli("whoami", "--json").json()

    assert me["is_self"] is True
    assert me["groups"] == ["Service Desk"]
    assert me["data_dir"] == str(cli_data_dir.resolve())


def test_categories_tree(cli):
    nodes = cli("categories", "--json").json()
    text = cli("categories").out.splitlines()

    paths = {n["path"]: n for n in nodes}
    assert paths["Network > Connectivity"]["depth"] == 1
    assert paths["Network"]["parent_id"] is None
    assert paths["Network > Connectivity"]["parent_id"] == paths["Network"]["id"]
    assert "Network" in text
    assert "  Connectivity" in text


def test_reporter_add_and_search(cli):
    added = cli(
        "reporter", "add", "Zoë Müller", "--email", "Zoe.Mueller@Example.com", "--phone", "+49 30 1234567",
        "--department", "Finance", "--location", "Berlin", "--vip",
    )  # fmt: skip
    by_phone = cli("reporters", "search", "1234567", "--json").json()
    by_name = cli("reporter", "search", "zoë").out

    assert added.code == 0, added.err
    assert "[VIP]" in added.out
    assert [(r["name"], r["email"], r["is_vip"]) for r in by_phone] == [("Zoë Müller", "zoe.mueller@example.com", True)]
    assert "Zoë Müller" in by_name
    assert "VIP" in by_name


def test_reporter_with_bad_email_is_refused(cli):
    result = cli("reporter", "add", "Bad Mail", "--email", "not-an-address")

    assert result.code == 2
    assert "is not an e-mail address" in result.err


def test_reporter_search_without_hits_says_so(cli):
    result = cli("reporters", "search", "nobody at all")

    assert result.code == 0
    assert result.out.strip() == "No reporter matches 'nobody at all'."
