"""The queue's reads: filters, every sort order paged both ways, search modes, counts, plans."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from desktop_app.context import AppContext
from desktop_app.db import queue_sql
from desktop_app.domain.enums import Channel, Priority, Status
from desktop_app.domain.queue_filter import BUILTIN_VIEWS, SORT_COLUMNS, QueueQuery, QueueSort, builtin_view
from desktop_app.domain.search_query import SearchSyntaxError
from tests.support.builders import CLOSURE_DOCS, make_agent
from tests.support.fakes import FixedClock

CATEGORIES = ("Network > Connectivity", "Network > VPN", "Hardware > Printer", None)
WORDS = ("printer jams", "vpn drops", "no dial tone on the desk phone", "laptop will not boot")


@pytest.fixture
def queue(context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]) -> AppContext:
    """24 incidents over categories, priorities, channels, assignees and statuses."""
    me = context.directory.me()
    other = make_agent(context, "Olga Other")
    for n in range(24):
        clock.advance(minutes=7)
        detail = make_incident(
            f"Incident {n}: {WORDS[n % 4]}",
            title=f"{WORDS[n % 4]} #{n}",
            category_path=CATEGORIES[n % 4],
            impact=1 + n % 3,
            urgency=1 + (n // 3) % 3,
            channel=(Channel.PHONE, Channel.EMAIL)[n % 2],
            is_drill=n == 5,
        )
        if n % 3 == 0:
            context.incidents.assign(detail.id, group_id=None, assignee_id=me.id)
        elif n % 3 == 1:
            context.incidents.assign(detail.id, group_id=None, assignee_id=other.id)
        if n % 5 == 0:
            context.incidents.change_status(detail.id, Status.RESOLVED, **CLOSURE_DOCS)
    return context


def _all(context: AppContext, query: QueueQuery) -> list:
    return context.queue.page(query, 1000)


def _summaries(context: AppContext, query: QueueQuery) -> list:
    return [row.summary for row in _all(context, query)]


@pytest.mark.parametrize("column", SORT_COLUMNS)
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_pages_forward_and_backward_over_the_same_rows(
    queue: AppContext, column: str, descending: bool
) -> None:
    query = QueueQuery(sort=QueueSort(column, descending))
    everything = _all(queue, query)
    assert len(everything) == 24
    assert sorted(everything, key=lambda row: row.order) == everything
    pages, after = [], None
    while page := queue.queue.page(query, 5, after):
        pages += page
        after = page[-1].key
    assert [r.summary.id for r in pages] == [r.summary.id for r in everything]
    backward, before = [], None
    while page := queue.queue.page(query, 7, before, backward=True):
        backward = page + backward
        before = page[0].key
    assert [r.summary.id for r in backward] == [r.summary.id for r in everything]
    # Every position, so both ends' skips (from the top and from the bottom) are checked.
    assert [queue.queue.key_at(query, position) for position in range(24)] == [row.key for row in everything]
    assert queue.queue.key_at(query, 24) is None


def test_sort_orders_follow_the_column(queue: AppContext) -> None:
    by_priority = _summaries(queue, QueueQuery(sort=QueueSort("priority", descending=False)))
    assert [s.priority.rank for s in by_priority] == sorted(s.priority.rank for s in by_priority)
    by_title = _summaries(queue, QueueQuery(sort=QueueSort("title", descending=False)))
    assert [s.title for s in by_title] == sorted(s.title for s in by_title)
    by_category = _summaries(queue, QueueQuery(sort=QueueSort("category", descending=False)))
    paths = [s.category_path for s in by_category]
    assert paths[-6:] == [None] * 6  # uncategorised last
    assert paths[:-6] == sorted(paths[:-6])
    newest = _summaries(queue, QueueQuery())
    assert [s.created_at for s in newest] == sorted((s.created_at for s in newest), reverse=True)


def test_filters_combine(queue: AppContext, clock: FixedClock) -> None:
    open_only = _summaries(queue, QueueQuery(statuses=(Status.NEW, Status.ASSIGNED)))
    assert len(open_only) == 24 - 5
    assert {s.status for s in open_only} <= {Status.NEW, Status.ASSIGNED}
    mine = _summaries(queue, builtin_view("my_open").query)
    assert mine
    assert {s.assignee_name for s in mine} == {queue.directory.me().name}
    assert all(s.status.is_open for s in mine)
    unassigned = _summaries(queue, builtin_view("unassigned").query)
    assert unassigned
    assert all(s.assignee_name is None for s in unassigned)
    email = _summaries(queue, QueueQuery(channels=(Channel.EMAIL,), priorities=(Priority.P1, Priority.P2)))
    assert email
    assert all(s.channel == Channel.EMAIL and s.priority in (Priority.P1, Priority.P2) for s in email)
    network = queue.categories.resolve_path("Network")
    in_network = _summaries(queue, QueueQuery(category_id=network.id))
    assert len(in_network) == 12
    assert all(s.category_path.startswith("Network > ") for s in in_network)
    drills = _summaries(queue, QueueQuery(drill=True))
    assert [s.title for s in drills] == ["vpn drops #5"]
    recent = _summaries(queue, QueueQuery(created_from=clock.now - timedelta(minutes=7 * 3 + 1)))
    assert len(recent) == 4
    counts = queue.queue.counts(QueueQuery(channels=(Channel.EMAIL,)))
    assert (counts.total, counts.matches) == (24, 12)


def test_typed_field_terms_filter_like_the_filter_bar(queue: AppContext) -> None:
    typed = _summaries(queue, QueueQuery(search="status:open category:network assignee:olga"))
    assert typed
    assert all(
        s.status.is_open and s.category_path.startswith("Network") and s.assignee_name == "Olga Other" for s in typed
    )
    numbered = _summaries(queue, QueueQuery(search="INC-000003"))
    assert [s.number for s in numbered] == [3]
    with pytest.raises(SearchSyntaxError, match="No agent"):
        queue.queue.counts(QueueQuery(search="assignee:nobodyknown"))
    with pytest.raises(SearchSyntaxError):
        queue.queue.page(QueueQuery(search='"unclosed'))


def test_search_ranks_a_bounded_set_and_falls_back_to_recency(
    queue: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked = queue.queue.counts(QueueQuery(search='"dial tone"'))
    assert (ranked.matches, ranked.search_mode) == (6, "ranked")
    filtered = queue.queue.counts(QueueQuery(search="dial status:open"))
    assert (filtered.matches, filtered.search_mode) == (5, "filtered")
    hits = _summaries(queue, QueueQuery(search='"dial tone"'))
    assert len(hits) == 6
    assert all("dial tone" in s.title for s in hits)
    assert len(_summaries(queue, QueueQuery(search="lap*"))) == 6
    monkeypatch.setattr(queue_sql, "RANK_BOUND", 3)
    many = queue.queue.counts(QueueQuery(search="incident"))
    assert (many.matches, many.search_mode) == (24, "recent")
    assert "most recent first" in many.note
    rows = _summaries(queue, QueueQuery(search="incident"))
    assert [s.created_at for s in rows] == sorted((s.created_at for s in rows), reverse=True)


def test_search_index_follows_edits_and_notes(queue: AppContext) -> None:
    first = _summaries(queue, QueueQuery(search="#1"))[0]
    from desktop_app.domain.dtos import IncidentPatch

    queue.incidents.update(first.id, IncidentPatch(title="Toner smeared everywhere"))
    assert [s.id for s in _summaries(queue, QueueQuery(search="toner"))] == [first.id]
    assert _summaries(queue, QueueQuery(search="title:toner"))[0].id == first.id
    queue.incidents.add_note(first.id, "Swapped the drum cartridge")
    queue.incidents.add_note(first.id, "Customer confirmed")
    assert [s.id for s in _summaries(queue, QueueQuery(search="notes:drum"))] == [first.id]
    assert [s.id for s in _summaries(queue, QueueQuery(search="notes:confirmed"))] == [first.id]


def test_rows_for_tells_which_incidents_left_the_view(queue: AppContext) -> None:
    query = builtin_view("all_open").query
    rows = _all(queue, query)
    leaving = rows[0].summary.id
    queue.incidents.change_status(leaving, Status.RESOLVED, **CLOSURE_DOCS)
    found, gone = queue.queue.rows_for(query, [leaving, rows[1].summary.id])
    assert [r.summary.id for r in found] == [rows[1].summary.id]
    assert gone == {leaving}


def test_category_open_counts_include_descendants(queue: AppContext) -> None:
    counts = queue.queue.category_open_counts()
    network = queue.categories.resolve_path("Network")
    vpn = queue.categories.resolve_path("Network > VPN")
    connectivity = queue.categories.resolve_path("Network > Connectivity")
    assert counts[network.id] == counts[vpn.id] + counts[connectivity.id]
    open_vpn = queue.queue.counts(QueueQuery(statuses=builtin_view("all_open").query.statuses, category_id=vpn.id))
    assert counts[vpn.id] == open_vpn.matches > 0


@pytest.mark.parametrize("view", BUILTIN_VIEWS, ids=lambda v: v.key)
def test_no_saved_view_scans_the_whole_incidents_table(queue: AppContext, view) -> None:
    queue.engine.dispose()
    with queue.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    for column in SORT_COLUMNS:
        lines = queue.queue.explain(view.query.with_changes(sort=QueueSort(column)))
        scans = [line for line in lines if re.match(r"SCAN (i|incidents)\b", line) and "INDEX" not in line]
        assert not scans, (view.key, column, lines)


@pytest.mark.parametrize("descending", [False, True])
def test_incidents_without_a_reporter_are_read_in_order_from_their_own_index(
    queue: AppContext, descending: bool
) -> None:
    """Sorted by reporter, the no-reporter group comes from migration 0008's partial index in
    created order: no sort of the whole group (about 70,000 rows at a million)."""
    with queue.engine.connect() as conn:
        conn.exec_driver_sql("UPDATE incidents SET reporter_name = NULL WHERE number % 3 = 0")
        conn.exec_driver_sql("ANALYZE")
        # Statistics as at a million incidents, 70,000 without a reporter and about 200 per name: on
        # these SQLite took the reporter-name index for "no reporter" and sorted the whole group.
        conn.exec_driver_sql(
            "UPDATE sqlite_stat1 SET stat = '1000000' || substr(stat, instr(stat, ' ')) WHERE tbl = 'incidents'"
        )
        for index, stat in (
            ("ix_incidents_reporter_name_id", "1000000 200 1"),
            ("ix_incidents_no_reporter_created", "70000 70000 1 1"),
        ):
            conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?", (stat, index))
        conn.commit()
    queue.engine.dispose()  # statistics are read when a connection loads the schema
    lines = queue.queue.explain(QueueQuery(sort=QueueSort("reporter", descending)))
    assert any("ix_incidents_no_reporter_created" in line for line in lines), lines
    assert not any("TEMP B-TREE" in line for line in lines), lines
    everything = _all(queue, QueueQuery(sort=QueueSort("reporter", descending)))
    blank = [row for row in everything if row.summary.reporter_name is None]
    assert blank == everything[-len(blank) :]  # no reporter last, either way
    assert [row.summary.created_at for row in blank] == sorted((r.summary.created_at for r in blank), reverse=True)


def test_saved_views_save_rename_reorder_delete(queue: AppContext) -> None:
    views = queue.saved_views
    first = views.save("Printers", QueueQuery(search="printer", statuses=(Status.NEW,))).value
    second = views.save("Email P1", QueueQuery(channels=(Channel.EMAIL,), sort=QueueSort("priority", False))).value
    assert [v.name for v in views.list()] == ["Printers", "Email P1"]
    assert views.list()[1].query == second.query
    views.move(second.id, 0)
    assert [v.name for v in views.list()] == ["Email P1", "Printers"]
    views.rename(first.id, "Printer queue")
    with pytest.raises(Exception, match="already a view"):
        views.rename(second.id, "printer QUEUE")
    with pytest.raises(Exception, match="built-in view"):
        views.save("All open", QueueQuery())
    views.save("Printer queue", QueueQuery(search="toner"))
    assert views.find("printer queue").query.search == "toner"
    views.delete(first.id)
    assert [v.name for v in views.list()] == ["Email P1"]
