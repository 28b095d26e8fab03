"""The queue pane with the services: views, category tree with counts, filters, search, counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.queue_filter import BREACHING_NOTE
from desktop_app.views.item_models.category_tree_model import CATEGORY_ID_ROLE, CategoryTreeModel
from desktop_app.views.item_models.saved_views_model import SavedViewsModel
from desktop_app.views.main_window import MainWindow
from desktop_app.views.queue_view import count_text
from tests.support.fakes import FixedClock


def _seed(context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]) -> None:
    for n in range(6):
        clock.advance(minutes=3)
        detail = make_incident(
            f"Printer jam number {n}" if n % 2 else f"VPN drops again {n}",
            category_path="Hardware > Printer" if n % 2 else "Network > VPN",
            impact=1 if n < 2 else 3,
            urgency=1 if n < 2 else 3,
        )
        if n == 5:
            context.incidents.change_status(detail.id, Status.CANCELED)


def test_item_models_pass_the_model_tester(
    qtmodeltester, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]
) -> None:
    _seed(context, clock, make_incident)
    tree = CategoryTreeModel()
    tree.set_tree(context.categories.tree(), context.queue.category_open_counts())
    qtmodeltester.check(tree, force_py=True)
    views = SavedViewsModel()
    from desktop_app.domain.queue_filter import QueueQuery

    context.saved_views.save("Mine", QueueQuery(search="printer"))
    views.set_saved(context.saved_views.list())
    qtmodeltester.check(views, force_py=True)
    assert views.rowCount() == 9


def _window_after_seed(qtbot: QtBot, context: AppContext, runner, bus) -> MainWindow:
    window = MainWindow(context, runner, bus)
    qtbot.addWidget(window)
    window.show()
    return window


def test_views_categories_filters_and_search_drive_the_queue(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> None:
    _seed(context, clock, make_incident)
    window = _window_after_seed(qtbot, context, runner, bus)
    view, model = window.queue, window.queue_model
    assert model.rowCount() == 6
    assert view.count_label.text() == "6 incidents"
    # The tree counts open incidents, descendants included: Hardware holds Printer's two open ones.
    tree = view.category_tree.model()
    hardware = tree.index_of(context.categories.resolve_path("Hardware").id)
    assert tree.index(hardware.row(), 1, hardware.parent()).data() == "2"
    view.category_tree.setCurrentIndex(hardware)
    assert hardware.data(CATEGORY_ID_ROLE) == model.query.category_id
    assert model.rowCount() == 3
    assert view.count_label.text() == "6 incidents, 3 match"
    # A built-in view replaces category and filters.
    views = view.views_list.model()
    view.views_list.setCurrentIndex(views.index(views.row_of("all_open")))
    assert model.rowCount() == 5
    assert view.heading.text() == "All open"
    view.views_list.setCurrentIndex(views.index(views.row_of("breaching")))
    assert view.view_note.text() == BREACHING_NOTE, "the UI says breaching uses priority age"
    view.views_list.setCurrentIndex(views.index(views.row_of("all")))
    # The filter bar narrows it.
    view.filters.priority.set_values([Priority.P1.value])
    view.filters.changed.emit()
    assert model.rowCount() == 2
    assert {model.index(r, 1).data() for r in range(2)} == {"P1"}
    # Search: typed, with a field term; a malformed query says why and keeps the rows.
    view.filters.priority.set_values([])
    view.filters.changed.emit()
    view.search.setText("printer status:open")
    window.queue_navigator._apply_search()
    assert model.rowCount() == 2
    assert "search with filters" in view.count_label.text()
    view.search.setText('"printer jam')
    window.queue_navigator._apply_search()
    assert view.search_error.isVisibleTo(window)
    assert "not closed" in view.search_error.text()
    assert model.rowCount() == 2
    view.search.setText("assignee:nobody-by-that-name")
    window.queue_navigator._apply_search()
    assert "No agent" in view.search_error.text()
    assert model.rowCount() == 0


def test_saved_view_round_trip_through_the_sidebar(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus, monkeypatch
) -> None:
    _seed(context, clock, make_incident)
    window = _window_after_seed(qtbot, context, runner, bus)
    view = window.queue
    view.search.setText("vpn")
    window.queue_navigator._apply_search()
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("VPN trouble", True))
    window.queue_navigator.save_current_view()
    views = view.views_list.model()
    row = views.row_of(str(context.saved_views.find("VPN trouble").id))
    assert row == 8
    view.views_list.setCurrentIndex(views.index(0))
    assert view.search.text() == ""
    view.views_list.setCurrentIndex(views.index(row))
    assert view.search.text() == "vpn"
    assert window.queue_model.rowCount() == 3


def test_count_text_says_how_results_are_ordered() -> None:
    from desktop_app.domain.queue_filter import QueueCounts

    assert count_text(QueueCounts(1_000_000, 1_000_000)) == "1,000,000 incidents"
    assert count_text(QueueCounts(1_000_000, 12_345)) == "1,000,000 incidents, 12,345 match"
    recent = QueueCounts(1_000_000, 35_752, "recent", "too many matches to rank (over 1,000): most recent first")
    assert count_text(recent).endswith("· too many matches to rank (over 1,000): most recent first")


def test_search_words_are_marked_in_the_detail_pane(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> None:
    from desktop_app.views.search_highlight import highlight_html

    assert highlight_html("Printer <b> jams; printing", (("print", True),)) == (
        '<span style="background-color: #fff176;">Printer</span> &lt;b&gt; jams; '
        '<span style="background-color: #fff176;">printing</span>'
    )
    assert highlight_html("nothing here", (("printer", False),)) is None
    _seed(context, clock, make_incident)
    window = _window_after_seed(qtbot, context, runner, bus)
    window.queue.search.setText("jam")
    window.queue_navigator._apply_search()
    window.queue.select_incident(window.queue_model.summary_at(0).id)
    assert 'background-color: #fff176;">jam</span>' in window.detail.description.text()
    window.queue.search.setText("")
    window.queue_navigator._apply_search()
    assert "span" not in window.detail.description.text()


def test_bulk_change_preview_apply_and_undo_from_the_window(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> None:
    from PySide6.QtCore import QItemSelectionModel

    _seed(context, clock, make_incident)
    window = _window_after_seed(qtbot, context, runner, bus)
    table, model = window.queue.table, window.queue_model
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (1, 2, 3):
        table.selectionModel().select(model.index(row, 0), flags)
    dialog = window.queue_navigator.open_bulk()
    assert dialog is not None
    dialog.kind.setCurrentIndex(dialog.kind.findData("category"))
    dialog.category.setText("Email > Mailbox")
    dialog.preview_button.click()
    assert dialog.table.rowCount() == 3
    assert dialog.table.item(0, 3).text() == "Email > Mailbox"
    dialog.apply_requested.emit(dialog.change())
    assert [model.summary_at(r).category_path for r in (1, 2, 3)] == ["Email > Mailbox"] * 3
    assert window.actions_by_id["undo_bulk"].isEnabled()
    assert "Changed 3 incidents" in window.statusBar().currentMessage()
    window.actions_by_id["undo_bulk"].trigger()
    assert "Email > Mailbox" not in [model.summary_at(r).category_path for r in (1, 2, 3)]


def test_command_palette_finds_actions_and_views(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> None:
    _seed(context, clock, make_incident)
    window = _window_after_seed(qtbot, context, runner, bus)
    palette = window.queue_navigator.open_palette()
    palette.input.setText("on hold")
    assert palette.proxy.rowCount() == 1
    palette.run_current()
    assert window.queue.heading.text() == "On hold"
    palette = window.queue_navigator.open_palette()
    palette.input.setText("bulk change")
    assert palette.list.currentIndex().data().startswith("Bulk change")


def test_a_date_range_filters_and_comes_back_with_a_saved_view(
    qtbot: QtBot,
    context: AppContext,
    clock: FixedClock,
    make_incident: Callable[..., Any],
    runner,
    bus,
    monkeypatch,
) -> None:
    from datetime import timedelta

    from PySide6.QtWidgets import QInputDialog

    from desktop_app.views import queue_filter_bar

    _seed(context, clock, make_incident)
    window = _window_after_seed(qtbot, context, runner, bus)
    filters, model = window.queue.filters, window.queue_model
    start, end = clock.now - timedelta(minutes=7), clock.now + timedelta(minutes=1)
    monkeypatch.setattr(queue_filter_bar, "ask_date_range", lambda *_args: (start, end))
    custom = filters.created.findData(queue_filter_bar.CUSTOM)
    filters.created.setCurrentIndex(custom)
    filters.created.activated.emit(custom)
    assert (model.query.created_from, model.query.created_to) == (start, end)
    assert model.rowCount() == 3  # created 3 minutes apart: the last three
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Recent", True))
    window.queue_navigator.save_current_view()
    views = window.queue.views_list.model()
    window.queue.views_list.setCurrentIndex(views.index(0))
    assert filters.created.currentData() == (None, None)
    window.queue.views_list.setCurrentIndex(views.index(views.row_of(str(context.saved_views.find("Recent").id))))
    assert filters.created.currentData() == (queue_filter_bar.ABSOLUTE, start, end)
    assert model.rowCount() == 3
