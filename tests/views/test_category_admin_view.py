"""The category pane's context menu (offscreen, real services): new, rename, move, deactivate, roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from desktop_app.context import AppContext
from desktop_app.models import SyncState
from desktop_app.sync.dtos import SyncReport
from desktop_app.views.category_admin import TOP_LEVEL, CategoryAdmin, MoveCategoryDialog
from desktop_app.views.item_models.category_tree_model import INACTIVE_COLOUR, CategoryTreeModel
from desktop_app.views.main_window import MainWindow


def _admin(window: MainWindow) -> CategoryAdmin:
    return window.queue_navigator.category_admin  # type: ignore[attr-defined]


def _open_menu(window: MainWindow, path: str) -> dict[str, Any]:
    """Right-click the node as a user would; the menu's actions by text."""
    context, tree = window.context, window.queue.category_tree
    model = tree.model()
    index = model.index_of(context.categories.get(_id(window, path)).id)
    tree.scrollTo(index)
    _admin(window)._on_tree_menu_requested(tree.visualRect(index).center())
    menu = _admin(window).menu
    assert menu is not None
    return {action.text(): action for action in menu.actions() if action.text()}


def _id(window: MainWindow, path: str):
    return next(n.id for n in window.queue_navigator.categories.nodes() if n.path == path)


def _count(window: MainWindow, path: str) -> str:
    model = window.queue.category_tree.model()
    index = model.index_of(_id(window, path))
    return model.index(index.row(), 1, index.parent()).data()


def test_tree_model_with_inactive_nodes_passes_the_model_tester(qtmodeltester, context: AppContext) -> None:
    network = context.categories.resolve_path("Network")
    context.categories.set_active(network.id, False)
    model = CategoryTreeModel()
    model.set_tree(context.categories.tree(include_inactive=True), context.queue.category_open_counts())
    qtmodeltester.check(model, force_py=True)
    assert not model.index_of(network.id).isValid()  # hidden until asked
    model.set_show_inactive(True)
    qtmodeltester.check(model, force_py=True)
    index = model.index_of(network.id)
    assert index.data(Qt.ItemDataRole.ForegroundRole) == INACTIVE_COLOUR
    assert "deactivated" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_rename_and_move_from_the_menu_rewrite_the_tree_rows_and_counts(
    main_window: MainWindow, make_incident: Callable[..., Any]
) -> None:
    make_incident("VPN drops every hour", category_path="Network > VPN")
    _admin(main_window).reload_tree()
    assert _count(main_window, "Network") == "1"

    actions = _open_menu(main_window, "Network > VPN")
    assert all(actions[name].isEnabled() for name in ("New subcategory…", "Rename…", "Move to…", "Deactivate"))
    actions["New subcategory…"].trigger()
    _admin(main_window).dialog.setTextValue("Tokens")
    _admin(main_window).dialog.accept()
    assert _count(main_window, "Network > VPN > Tokens") == "0"
    actions["Rename…"].trigger()
    dialog = _admin(main_window).dialog
    dialog.setTextValue("Remote access")
    dialog.accept()
    assert main_window.queue_model.summary_at(0).category_path == "Network > Remote access"

    _open_menu(main_window, "Network > Remote access")["Move to…"].trigger()
    move = _admin(main_window).dialog
    assert isinstance(move, MoveCategoryDialog)
    places = [move.list.item(row).text() for row in range(move.list.count())]
    assert places[0] == TOP_LEVEL
    assert "Network" not in places  # where it already is
    move.filter.setText("hardware laptop")
    assert move.list.currentItem().text() == "Hardware > Laptop"
    move.accept()

    assert _count(main_window, "Hardware > Laptop > Remote access") == "1"
    assert _count(main_window, "Hardware") == "1"
    assert _count(main_window, "Network") == "0"
    assert main_window.queue_model.summary_at(0).category_path == "Hardware > Laptop > Remote access"


def test_deactivate_hides_then_show_inactive_lists_it_to_reactivate(
    qtbot: QtBot, main_window: MainWindow, make_incident: Callable[..., Any]
) -> None:
    make_incident("Printer jams", category_path="Hardware > Printer")
    make_incident("VPN drops", category_path="Network > VPN")
    _admin(main_window).reload_tree()
    _open_menu(main_window, "Hardware")["Deactivate"].trigger()
    box = _admin(main_window).dialog
    assert isinstance(box, QMessageBox)
    assert "the 6 categories under it" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    model = main_window.queue.category_tree.model()
    assert not model.index_of(_id(main_window, "Hardware > Printer")).isValid()
    assert model.index(0, 1).data() == "2"  # "All categories" still counts the incident in it
    admin = _admin(main_window)
    admin.show_inactive.setChecked(True)
    printer = model.index_of(_id(main_window, "Hardware > Printer"))
    main_window.queue.category_tree.setCurrentIndex(printer)  # still filters the queue
    assert main_window.queue_model.rowCount() == 1
    assert main_window.queue_model.summary_at(0).category_path == "Hardware > Printer"
    actions = _open_menu(main_window, "Hardware")
    assert not actions["New subcategory…"].isEnabled()
    actions["Reactivate"].trigger()
    assert all(n.is_active for n in model.nodes() if n.path.startswith("Hardware"))


def test_a_non_admin_sees_the_edits_disabled_with_the_reason(main_window: MainWindow) -> None:
    with Session(main_window.context.engine) as session, session.begin():
        session.merge(SyncState(id=1, server_url="https://hd.example", role="agent"))

    actions = _open_menu(main_window, "Network")

    assert actions["New subcategory…"].isEnabled()  # anyone may add a category (server rule)
    for name in ("Rename…", "Move to…", "Deactivate"):
        assert not actions[name].isEnabled()
        assert "Only an admin" in actions[name].toolTip()
        assert "agent role" in actions[name].toolTip()


def test_the_new_incident_form_does_not_offer_a_deactivated_category(main_window: MainWindow) -> None:
    context = main_window.context
    context.categories.set_active(context.categories.resolve_path("Network > VPN").id, False)

    dialog = main_window.open_new_incident()
    dialog.category.setText("network")
    dialog.category.query_changed.emit("network")  # what typing does once the type-ahead's delay passes
    offered = [s.text for s in dialog.category.current_suggestions()]

    assert "Network > DNS" in offered
    assert "Network > VPN" not in offered
    dialog.category.clear()  # an untouched form closes without asking
    dialog.reject()


def test_a_sync_that_pulled_changes_reloads_the_tree(main_window: MainWindow) -> None:
    context = main_window.context
    vpn = context.categories.resolve_path("Network > VPN")
    context.categories.rename(vpn.id, "Remote access")  # as a pull would have changed it
    model = main_window.queue_navigator.categories

    main_window.sync_controller.sync_finished.emit(SyncReport())  # a quiet round: nothing to reload
    assert model.index_of(vpn.id).data() == "VPN"
    main_window.sync_controller.sync_finished.emit(SyncReport(pulled=3))
    assert model.index_of(vpn.id).data() == "Remote access"


def test_the_command_palette_offers_the_chosen_categorys_edits_to_admins_only(main_window: MainWindow) -> None:
    tree = main_window.queue.category_tree
    tree.setCurrentIndex(tree.model().index_of(_id(main_window, "Network > VPN")))
    palette = main_window.queue_navigator.open_palette()
    palette.input.setText("rename network > vpn")
    palette.run_current()
    dialog = _admin(main_window).dialog
    dialog.setTextValue("Remote access")
    dialog.accept()
    assert "Network > Remote access" in {n.path for n in main_window.queue_navigator.categories.nodes()}

    with Session(main_window.context.engine) as session, session.begin():
        session.merge(SyncState(id=1, server_url="https://hd.example", role="agent"))
    tree.setCurrentIndex(tree.model().index_of(_id(main_window, "Network > Remote access")))
    _admin(main_window).dialog = None
    palette = main_window.queue_navigator.open_palette()
    palette.input.setText("deactivate network > remote")
    palette.run_current()
    assert _admin(main_window).dialog is None  # refused: nothing opened
    assert "Only an admin" in main_window.statusBar().currentMessage()
