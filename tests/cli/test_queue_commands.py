"""`list` with filters, views and sort; `search` with the queue's syntax; both with --json."""

from __future__ import annotations

import pytest


@pytest.fixture
def queue(cli) -> list[str]:
    numbers = []
    for n, (title, category, impact) in enumerate(
        [
            ("Printer jams on floor 3", "Hardware > Printer", "3"),
            ("VPN drops every hour", "Network > VPN", "1"),
            ("No dial tone on desk phone", "Hardware > Phone", "2"),
            ("Printer out of toner", "Hardware > Printer", "1"),
        ]
    ):
        created = cli(
            "create", "--description", f"{title}, reported by caller {n}", "--title", title,
            "--category", category, "--impact", impact, "--urgency", impact, "--json",
        )  # fmt: skip
        assert created.code == 0, created.err
        numbers.append(created.json()["number"])
    cli("assign", numbers[1], "--to", "root")
    return numbers


def test_list_filters_by_category_priority_and_status(cli, queue: list[str]) -> None:
    printers = cli("list", "--category", "Hardware > Printer", "--json").json()
    assert [row["title"] for row in printers] == ["Printer out of toner", "Printer jams on floor 3"]
    urgent = cli("list", "--priority", "P1", "--json").json()
    assert {row["title"] for row in urgent} == {"VPN drops every hour", "Printer out of toner"}
    assigned = cli("list", "--status", "assigned", "--json").json()
    assert [row["number"] for row in assigned] == [queue[1]]
    assert cli("list", "--assignee", "none", "--json").json()[0]["title"] == "Printer out of toner"


def test_list_views_and_sort(cli, queue: list[str]) -> None:
    unassigned = cli("list", "--view", "unassigned", "--json").json()
    assert queue[1] not in [row["number"] for row in unassigned]
    by_priority = cli("list", "--sort", "priority", "--json").json()
    assert [row["priority"] for row in by_priority] == ["P1", "P1", "P3", "P5"]
    oldest = cli("list", "--sort", "created:asc", "--limit", "1", "--json").json()
    assert [row["number"] for row in oldest] == [queue[0]]
    missing = cli("list", "--view", "nothing-like-it")
    assert missing.code == 2
    assert "There is no view" in missing.err
    text = cli("list", "--limit", "2")
    assert "2 of 4 matching incidents" in text.out


def test_search_ranks_phrases_prefixes_and_fields(cli, queue: list[str]) -> None:
    found = cli("search", '"dial tone"', "--json").json()
    assert (found["matches"], found["order"]) == (1, "ranked")
    assert found["incidents"][0]["number"] == queue[2]
    assert cli("search", "print*", "--json").json()["matches"] == 2
    filtered = cli("search", "printer", "priority:P1", "--json").json()
    assert [row["title"] for row in filtered["incidents"]] == ["Printer out of toner"]
    assert filtered["order"] == "filtered"
    text = cli("search", "vpn")
    assert "VPN drops every hour" in text.out
    assert "1 match" in text.out
    by_title = cli("search", "print*", "--sort", "title:desc", "--json").json()
    assert by_title["order"] == "sorted"
    titles = [row["title"] for row in by_title["incidents"]]
    assert titles == sorted(titles, reverse=True)
    assert len(titles) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [('"unclosed', "not closed"), ("colour:red", "no field"), ("priority:P7", "P1 to P5"), ("*", "before *")],
)
def test_malformed_search_exits_2_with_the_reason(cli, queue: list[str], query: str, message: str) -> None:
    result = cli("search", query)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_breaching_view_brings_stale_sla_deadlines_up_to_date_first(cli, cli_data_dir, queue: list[str]) -> None:
    import sqlite3

    assert cli("list", "--view", "breaching", "--json").json() == []
    with sqlite3.connect(cli_data_dir / "helpdesk.sqlite3") as conn:  # as a bootstrap leaves them: stale
        conn.execute("UPDATE incidents SET reported_at = '2020-01-06 09:00:00.000000' WHERE number = 2")
    breaching = cli("list", "--view", "breaching", "--json").json()
    assert [row["title"] for row in breaching] == ["VPN drops every hour"]
