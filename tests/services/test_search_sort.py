"""A search sorted by a column: the same order as the column sort without search, restricted to
the hits, for a few hits (read first) and for many (the column's index walked, each row probed)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.context import AppContext
from desktop_app.db import queue_sql
from desktop_app.domain.enums import Status
from desktop_app.domain.queue_filter import SORT_COLUMNS, QueueQuery, QueueSort
from tests.support.builders import CLOSURE_DOCS
from tests.support.fakes import FixedClock

# The SLA order reads the stored deadlines; a search alone stays ranked (test_sla_deadlines says so).
SEARCH_SORTS = tuple(column for column in SORT_COLUMNS if column != "sla")

# Titles repeat (ties on the sort column must break the same way on every page).
TITLES = ("Printer jams", "VPN drops", "Printer jams", "Laptop will not boot", "Zebra label printer offline")
CATEGORIES = ("Network > VPN", "Hardware > Printer", None)


@pytest.fixture
def searchable(context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]) -> AppContext:
    """20 incidents; "printer" is in 14 of them (title, description or a note), "rare" in 3."""
    me = context.directory.me()
    for n in range(20):
        clock.advance(minutes=5)
        printer = n % 5 in (0, 2, 4)
        description = f"Case {n}: " + ("the printer shows an error" if printer else "nothing printed here")
        if n in (3, 8, 17):  # 3 and 8 share a title
            description += " with a rare symptom"
        detail = make_incident(
            description,
            title=TITLES[n % 5],
            category_path=CATEGORIES[n % 3],
            impact=1 + n % 3,
            urgency=1 + (n // 3) % 3,
        )
        if n % 4 == 0:
            context.incidents.assign(detail.id, group_id=None, assignee_id=me.id)
        if n % 6 == 1:
            context.incidents.change_status(detail.id, Status.RESOLVED, **CLOSURE_DOCS)
        if n in (1, 6):  # "printer" only in a note
            context.incidents.add_note(detail.id, "Turned out to be the printer driver after all")
    return context


def _ids(rows: list) -> list:
    return [row.summary.id for row in rows]


def _expected(context: AppContext, word: str, sort: QueueSort) -> list:
    """The column sort over every incident, keeping the search's hits (whatever their order)."""
    hits = set(_ids(context.queue.page(QueueQuery(search=word), 1000)))
    return [i for i in _ids(context.queue.page(QueueQuery(sort=sort), 1000)) if i in hits]


def _paged(context: AppContext, query: QueueQuery, size: int, backward: bool = False) -> list:
    rows, cursor = [], None
    while page := context.queue.page(query, size, cursor, backward=backward):
        rows = page + rows if backward else rows + page
        cursor = (page[0] if backward else page[-1]).key
    return rows


@pytest.mark.parametrize(
    ("window", "drive_bound"),
    [(0, 0), (8, 0), (1, 100), (1, 0)],
    ids=["few-hits", "many-hits-window", "many-hits-read-first", "many-hits-gathered"],
)
def test_a_sorted_search_is_the_column_order_of_its_hits_on_every_page(
    searchable: AppContext, monkeypatch: pytest.MonkeyPatch, window: int, drive_bound: int
) -> None:
    if window:  # many hits: the index is walked in windows (8), else (1) read from the hits or gathered
        monkeypatch.setattr(queue_sql, "SPARSE_BOUND", 2)
        monkeypatch.setattr(queue_sql, "WALK_WINDOW_FACTOR", window)
        monkeypatch.setattr(queue_sql, "DRIVE_BOUND", drive_bound)
    for column in SEARCH_SORTS:
        for descending in (False, True):
            sort = QueueSort(column, descending)
            query = QueueQuery(search="printer", sort=sort, by_relevance=False)
            expected = _expected(searchable, "printer", sort)
            assert len(expected) == 14
            everything = searchable.queue.page(query, 1000)
            assert _ids(everything) == expected, sort
            assert sorted(everything, key=lambda row: row.order) == everything
            assert _ids(_paged(searchable, query, 5)) == expected, sort
            assert _ids(_paged(searchable, query, 4, backward=True)) == expected, sort
            assert searchable.queue.key_at(query, 7) == everything[7].key
            assert searchable.queue.key_at(query, 14) is None
    counts = searchable.queue.counts(query)
    assert (counts.matches, counts.search_mode) == (14, "sorted")
    assert "sorted by the column" in counts.note


@pytest.mark.parametrize("descending", [False, True])
def test_a_rare_word_sorted_by_title_breaks_ties_by_id(searchable: AppContext, descending: bool) -> None:
    sort = QueueSort("title", descending)
    query = QueueQuery(search="rare", sort=sort, by_relevance=False)
    rows = searchable.queue.page(query, 100)
    assert _ids(rows) == _expected(searchable, "rare", sort)
    pairs = [(row.summary.title, row.summary.id) for row in rows]
    assert len(pairs) == 3
    assert len({title for title, _ in pairs}) == 2, "two of the three share a title"
    assert pairs == sorted(pairs, reverse=descending), "equal titles in id order, the same direction"
    one_by_one = _paged(searchable, query, 1)
    assert _ids(one_by_one) == _ids(rows)


def test_many_hits_read_a_window_of_the_index_or_gather_the_hits_with_the_same_result(
    searchable: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_sql, "SPARSE_BOUND", 2)
    query = QueueQuery(search="printer", sort=QueueSort("priority", False), by_relevance=False)
    probed_statements: list[str] = []
    real = queue_sql._window_walk

    def counting(*args: Any) -> Any:
        rows = real(*args)
        probed_statements.append("full" if rows is not None else "fell back")
        return rows

    monkeypatch.setattr(queue_sql, "_window_walk", counting)
    monkeypatch.setattr(queue_sql, "WALK_WINDOW_FACTOR", 50)  # the window always holds a full page
    probed = _ids(_paged(searchable, query, 3))
    assert "full" in probed_statements
    probed_statements.clear()
    monkeypatch.setattr(queue_sql, "WALK_WINDOW_FACTOR", 1)  # too short a window: the hits are gathered
    gathered = _ids(_paged(searchable, query, 3))
    assert "fell back" in probed_statements
    assert probed == gathered == _expected(searchable, "printer", QueueSort("priority", False))


def test_relevance_is_the_default_and_a_note_only_match_is_found(searchable: AppContext) -> None:
    ranked = searchable.queue.counts(QueueQuery(search="driver"))
    assert (ranked.matches, ranked.search_mode) == (2, "ranked")
    assert "click a column header" in ranked.note
    sorted_counts = searchable.queue.counts(QueueQuery(search="driver", by_relevance=False))
    assert (sorted_counts.matches, sorted_counts.search_mode) == (2, "sorted")
    # With filters the column order applies either way (the filters' indexes lead).
    filtered = searchable.queue.counts(QueueQuery(search="printer status:open", by_relevance=False))
    assert filtered.search_mode == "filtered"
    assert QueueQuery.from_json(QueueQuery(search="x", by_relevance=False).to_json()).by_relevance is False
    assert "by_relevance" not in QueueQuery(search="x").to_json()


def test_the_first_read_of_many_hits_leaves_the_count_for_later(
    searchable: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_sql, "SPARSE_BOUND", 2)
    query = QueueQuery(search="printer", sort=QueueSort("title"), by_relevance=False)
    counts, rows = searchable.queue.first_page(query, 5, exact=False)
    assert counts.matches == -1
    assert len(rows) == 5
    assert searchable.queue.counts(query).matches == 14


@pytest.mark.parametrize("walks", [False, True], ids=["few-hits", "many-hits"])
def test_sorted_search_plans_read_the_hits_or_an_index_never_the_whole_table(
    searchable: AppContext, monkeypatch: pytest.MonkeyPatch, walks: bool
) -> None:
    if walks:
        monkeypatch.setattr(queue_sql, "SPARSE_BOUND", 2)
    searchable.engine.dispose()
    with searchable.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    for column in SEARCH_SORTS:
        lines = searchable.queue.explain(QueueQuery(search="printer", sort=QueueSort(column), by_relevance=False))
        scans = [line for line in lines if re.match(r"SCAN (i|incidents)\b", line) and "INDEX" not in line]
        assert not scans, (column, lines)
        if not walks:  # a few hits: looked up by rowid, then sorted
            assert any("rowid=?" in line for line in lines), (column, lines)


@pytest.mark.parametrize("walks", [False, True], ids=["few-hits", "many-hits"])
def test_rows_for_tells_which_incidents_left_a_sorted_search(
    searchable: AppContext, monkeypatch: pytest.MonkeyPatch, make_incident: Callable[..., Any], walks: bool
) -> None:
    from desktop_app.domain.dtos import IncidentPatch

    if walks:
        monkeypatch.setattr(queue_sql, "SPARSE_BOUND", 2)
    query = QueueQuery(search="printer", sort=QueueSort("priority"), by_relevance=False)
    newcomer = make_incident("The printer on floor 9 smokes", title="Smoke")
    shown = searchable.queue.page(query, 3)
    wanted = [newcomer.id, shown[1].summary.id]
    found, gone = searchable.queue.rows_for(query, wanted)
    assert ({row.summary.id for row in found}, gone) == (set(wanted), frozenset())
    assert next(row for row in found if row.summary.id == shown[1].summary.id).key == shown[1].key
    searchable.incidents.update(newcomer.id, IncidentPatch(description="It was the toaster"))
    found, gone = searchable.queue.rows_for(query, wanted)
    assert [row.summary.id for row in found] == [shown[1].summary.id]
    assert gone == frozenset({newcomer.id})


def test_sorted_by_category_a_word_with_many_hits_reads_only_the_categories_holding_one(
    searchable: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word clustered in a few categories must not walk every empty one to its end."""
    monkeypatch.setattr(queue_sql, "SPARSE_BOUND", 2)  # "many" hits: the index is walked
    query = QueueQuery(search="printer", sort=QueueSort("category"), by_relevance=False)
    with searchable.queue._read() as session:
        plan = searchable.queue._plan(session, query)
    holding = {row.summary.category_path for row in searchable.queue.page(query, 1000)}
    read = {segment.params[0] if segment.params else None for segment in plan.segments}
    paths = {node.id.hex: node.path for node in searchable.categories.tree()}
    assert {paths.get(value) if value else None for value in read} == holding
    assert len(plan.segments) < len(paths)
