"""Sorting search results by a column from the header, and back to relevance, in the real window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.queue_filter import QueueQuery, QueueSort
from desktop_app.views.item_models.queue_columns import COLUMNS
from desktop_app.views.item_models.queue_table_model import QueueTableModel
from desktop_app.views.main_window import MainWindow
from tests.support.fakes import FixedClock

TITLE_COLUMN = COLUMNS.index("Title")
PRIORITY_COLUMN = COLUMNS.index("Priority")
# "printer" once in the title of the best match, the others mention it in passing.
TITLES = ("Zebra printer printer printer offline", "Access badge fails", "Monitor printer cable", "Broken printer")


def _seed(context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]) -> None:
    for n, title in enumerate(TITLES):
        clock.advance(minutes=2)
        make_incident(f"Reported at desk {n}; the printer" if n != 1 else "Badge reader", title=title)


def _titles(model: QueueTableModel) -> list[str]:
    model.fetch_rows(0, model.rowCount() - 1)
    return [model.index(row, TITLE_COLUMN).data() for row in range(model.rowCount())]


@pytest.fixture
def window(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> MainWindow:
    _seed(context, clock, make_incident)
    shown = MainWindow(context, runner, bus)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_header_clicks_sort_a_search_and_a_third_click_ranks_it_again(window: MainWindow) -> None:
    view, model, header = window.queue, window.queue_model, window.queue.table.horizontalHeader()
    view.search.setText("printer")
    window.queue_navigator._apply_search()
    ranked = _titles(model)
    assert ranked[0] == TITLES[0], "ranked by relevance: the title full of the word first"
    assert "ranked by relevance" in view.count_label.text()
    assert not header.isSortIndicatorShown()

    header.sectionClicked.emit(TITLE_COLUMN)
    assert _titles(model) == sorted(ranked)
    assert model.query.by_relevance is False
    assert "sorted by Title ↑" in view.count_label.text()
    assert header.isSortIndicatorShown()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (TITLE_COLUMN, Qt.SortOrder.AscendingOrder)

    header.sectionClicked.emit(TITLE_COLUMN)
    assert _titles(model) == sorted(ranked, reverse=True)
    assert "sorted by Title ↓" in view.count_label.text()

    header.sectionClicked.emit(TITLE_COLUMN)  # the third click: relevance again
    assert _titles(model) == ranked
    assert "ranked by relevance" in view.count_label.text()
    assert not header.isSortIndicatorShown()

    # Refining the search keeps a chosen column; a new search (after clearing) starts ranked.
    header.sectionClicked.emit(PRIORITY_COLUMN)
    view.search.setText("printer*")
    window.queue_navigator._apply_search()
    assert model.query.sort == QueueSort("priority", False)
    assert not model.query.by_relevance
    assert "sorted by Priority ↑" in view.count_label.text()
    view.search.setText("")
    window.queue_navigator._apply_search()
    assert view.count_label.text() == "4 incidents"
    assert header.isSortIndicatorShown()
    view.search.setText("printer")
    window.queue_navigator._apply_search()
    assert model.query.by_relevance
    assert _titles(model) == ranked


def test_the_relevance_item_of_the_header_menu_ranks_a_sorted_search(window: MainWindow) -> None:
    from desktop_app.views.queue_view import RELEVANCE_ITEM

    view, model = window.queue, window.queue_model
    model.set_query(QueueQuery(search="printer", sort=QueueSort("title"), by_relevance=False))
    menu = view.header_menu()
    item = next(action for action in menu.actions() if action.text() == RELEVANCE_ITEM)
    assert item.isEnabled()
    assert not item.isChecked()
    item.trigger()
    assert model.query.by_relevance
    assert "ranked by relevance" in view.count_label.text()


def test_model_contract_with_a_sorted_search(
    qtmodeltester, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner
) -> None:
    _seed(context, clock, make_incident)
    model = QueueTableModel(context.queue, runner, 2)
    model.set_query(QueueQuery(search="printer", sort=QueueSort("title", True), by_relevance=False))
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=True)
    assert _titles(model) == sorted((t for t in TITLES if "printer" in t.lower()), reverse=True)
    qtmodeltester.check(model, force_py=True)


def test_the_count_line_keeps_its_size_whatever_it_says(qtbot: QtBot) -> None:
    from desktop_app.views.widgets.status_text import StatusText

    line = StatusText("4 incidents", object_name="queueCount")
    qtbot.addWidget(line)
    line.resize(120, 20)
    line.show()
    before = line.sizeHint()
    line.setText("1,000,000 incidents, 254,138 matches · sorted by Priority ↑ (third click on it or right-click)")
    assert line.sizeHint() == before, "a new text never asks the window to lay out again"
    assert line.toolTip() == line.text()
    assert line.grab().width() == 120
