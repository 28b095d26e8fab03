"""Editing the category tree from its pane: a context menu with New subcategory…, Rename…, Move to…,
Deactivate / Reactivate, and a "Show inactive" box that lists deactivated categories greyed.

Creating a category is everyone's (as on the server); renaming, moving and (de)activating are an
admin's: for others those entries stay in the menu, disabled, with the reason as their tooltip. The
role is read when the menu opens (it changes with sign-in), on the DB worker like every read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import CategoryNode
from desktop_app.views.item_models.category_tree_model import CATEGORY_NODE_ROLE

if TYPE_CHECKING:
    from desktop_app.sync.dtos import SyncReport
    from desktop_app.views.queue_navigation import QueueNavigator

TOP_LEVEL = "(Top level)"
NEEDS_ACTIVE = "Reactivate it first: a deactivated category takes no new subcategories."


def valid_parents(nodes: list[CategoryNode], moving: CategoryNode) -> list[CategoryNode | None]:
    """Where ``moving`` may go: the top level (None) or any active category outside its own subtree,
    except where it already is."""
    inside = moving.path + " > "
    out: list[CategoryNode | None] = [] if moving.parent_id is None else [None]
    for node in nodes:
        if not node.is_active or node.id in (moving.id, moving.parent_id) or node.path.startswith(inside):
            continue
        out.append(node)
    return out


class MoveCategoryDialog(QDialog):
    """A filterable list of the places a category may move to; ``chosen()`` after Move."""

    def __init__(self, moving: CategoryNode, parents: list[CategoryNode | None], parent: QWidget | None) -> None:
        super().__init__(parent, objectName="moveCategoryDialog")
        self.setWindowTitle(f"Move “{moving.name}”")
        self.filter = QLineEdit(objectName="moveCategoryFilter", placeholderText="Type to filter…")
        self.list = QListWidget(objectName="moveCategoryList")
        for node in parents:
            item = QListWidgetItem(TOP_LEVEL if node is None else node.path)
            item.setData(Qt.ItemDataRole.UserRole, node.id if node is not None else None)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Move")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.filter.textChanged.connect(self._on_filter_text_changed)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Move “{moving.path}” and everything under it to:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(420, 420)

    def _on_filter_text_changed(self, text: str) -> None:
        words = text.casefold().split()
        first_shown = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = not all(word in item.text().casefold() for word in words)
            item.setHidden(hidden)
            if not hidden and first_shown is None:
                first_shown = row
        if first_shown is not None:
            self.list.setCurrentRow(first_shown)

    def chosen(self) -> tuple[bool, uuid.UUID | None]:
        """(whether a place is picked, its id or None for the top level)."""
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return False, None
        return True, item.data(Qt.ItemDataRole.UserRole)


class CategoryAdmin(QObject):
    def __init__(self, navigator: QueueNavigator) -> None:
        super().__init__(navigator)
        self.navigator = navigator
        self.window = navigator.window
        self.context = navigator.context
        self.runner = navigator.runner
        self.tree = navigator.view.category_tree
        self.model = navigator.categories
        self.dialog: QWidget | None = None  # the open rename/move/confirm dialog (tests drive it)
        self.menu: QMenu | None = None
        self.show_inactive = QCheckBox("Show inactive", objectName="showInactiveCategories")
        self.show_inactive.setToolTip("List deactivated categories too (greyed), to reactivate them")
        self.show_inactive.toggled.connect(self.model.set_show_inactive)
        box = self.tree.parentWidget()
        if box is not None and box.layout() is not None:
            box.layout().addWidget(self.show_inactive)
        # Names take the pane's width (the count column its text), so "Account locked" is not "Account l…".
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_menu_requested)
        self.window.bus.directory_changed.connect(self.reload_tree)
        sync = getattr(self.window, "sync_controller", None)
        if sync is not None:
            sync.sync_finished.connect(self._on_sync_finished)

    def _on_sync_finished(self, report: SyncReport) -> None:
        # Pulled changes may rename, move or retire categories; a refused edit was put back.
        if report.pulled or report.bootstrapped or report.rejected:
            self.reload_tree()

    # --- the menu --------------------------------------------------------------------------

    def _on_tree_menu_requested(self, point: QPoint) -> None:
        index = self.tree.indexAt(point)
        node = index.siblingAtColumn(0).data(CATEGORY_NODE_ROLE) if index.isValid() else None
        self.runner.run_db(
            self.context.categories.admin_refusal,
            on_done=lambda refusal: self.build_menu(node, refusal).popup(self.tree.viewport().mapToGlobal(point)),
            on_error=self.window._show_error,
        )

    def build_menu(self, node: CategoryNode | None, refusal: str | None) -> QMenu:
        menu = QMenu(self.tree, objectName="categoryMenu")
        menu.setToolTipsVisible(True)
        new = menu.addAction("New subcategory…" if node is not None else "New top-level category…")
        new.triggered.connect(lambda: self.new_category(node))
        if node is not None and not node.is_active:
            _disable(new, NEEDS_ACTIVE)
        if node is not None:
            menu.addSeparator()
            edits: list[QAction] = [
                menu.addAction("Rename…", lambda: self.rename(node)),
                menu.addAction("Move to…", lambda: self.move(node)),
            ]
            if node.is_active:
                edits.append(menu.addAction("Deactivate", lambda: self.confirm_active(node, False)))
            else:
                edits.append(menu.addAction("Reactivate", lambda: self.set_active(node, True)))
            for action in edits:
                if refusal:
                    _disable(action, refusal)
        self.menu = menu
        return menu

    def palette_entries(self) -> list[tuple[str, str, Callable[[], None]]]:
        """Ctrl+K entries for the category chosen in the tree (the menu's edits, from the keyboard)."""
        node = self.tree.currentIndex().siblingAtColumn(0).data(CATEGORY_NODE_ROLE)
        if node is None:
            return [("Category: New top-level category…", "", lambda: self.new_category(None))]
        entries: list[tuple[str, str, Callable[[], None]]] = []
        if node.is_active:
            entries.append((f"Category: New subcategory under {node.path}…", "", lambda: self.new_category(node)))
        edits: list[tuple[str, Callable[[], None]]] = [
            (f"Category: Rename {node.path}…", lambda: self.rename(node)),
            (f"Category: Move {node.path} to…", lambda: self.move(node)),
            (f"Category: Deactivate {node.path}", lambda: self.confirm_active(node, False))
            if node.is_active
            else (f"Category: Reactivate {node.path}", lambda: self.set_active(node, True)),
        ]
        # Admins only, as in the menu: the refusal is looked up when the entry is chosen.
        entries += [(label, "admin", lambda edit=edit: self._if_allowed(edit)) for label, edit in edits]
        return entries

    def _if_allowed(self, edit: Callable[[], None]) -> None:
        def decided(refusal: str | None) -> None:
            if refusal:
                self.window.statusBar().showMessage(refusal, 8000)
            else:
                edit()

        self.runner.run_db(self.context.categories.admin_refusal, on_done=decided, on_error=self.window._show_error)

    # --- the actions -----------------------------------------------------------------------

    def new_category(self, parent: CategoryNode | None) -> None:
        where = f"under “{parent.path}”" if parent is not None else "at the top level"
        dialog = _text_dialog(self.window, "New category", f"Name of the new category {where}:", "")
        parent_id = parent.id if parent is not None else None
        dialog.textValueSelected.connect(lambda name: self._run(self.context.categories.create_child, parent_id, name))
        self._open(dialog)

    def rename(self, node: CategoryNode) -> None:
        dialog = _text_dialog(self.window, "Rename category", f"New name for “{node.path}”:", node.name)
        dialog.textValueSelected.connect(lambda name: self._run(self.context.categories.rename, node.id, name))
        self._open(dialog)

    def move(self, node: CategoryNode) -> None:
        dialog = MoveCategoryDialog(node, valid_parents(self.model.nodes(), node), self.window)

        def moved() -> None:
            picked, parent_id = dialog.chosen()
            if picked:
                self._run(self.context.categories.move, node.id, parent_id)

        dialog.accepted.connect(moved)
        self._open(dialog)

    def confirm_active(self, node: CategoryNode, active: bool) -> None:
        under = [n for n in self.model.nodes() if n.path.startswith(node.path + " > ") and n.is_active]
        also = f" and the {len(under)} categories under it" if under else ""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Deactivate category",
            f"Deactivate “{node.path}”{also}?\n\nIncidents keep their category and the queue still filters "
            "by it; it is no longer offered for new incidents. “Show inactive” lists it to reactivate.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("deactivateCategoryBox")
        box.accepted.connect(lambda: self.set_active(node, active))
        self._open(box)

    def set_active(self, node: CategoryNode, active: bool) -> None:
        self._run(self.context.categories.set_active, node.id, active)

    def _open(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()  # type: ignore[attr-defined]

    def _run(self, call: Any, *args: Any) -> None:
        self.runner.run_db(call, *args, on_done=self._after_change, on_error=self.window._show_error)

    def _after_change(self, result: Any) -> None:
        self.window.bus.publish(result.changes)  # directory_changed: the tree reloads
        self.window.queue_model.reload()  # rows show category paths, which a rename or move rewrote
        node: CategoryNode = result.value
        self.window.statusBar().showMessage(f"Category “{node.path}” saved; it syncs with the next round.", 8000)

    def reload_tree(self) -> None:
        context = self.context

        def load() -> tuple:
            return context.categories.tree(include_inactive=True), context.queue.category_open_counts()

        self.runner.run_db(load, on_done=self._on_tree_loaded, on_error=self.window._show_error)

    def _on_tree_loaded(self, loaded: tuple) -> None:
        nodes, counts = loaded
        expanded = self._expanded_ids()
        self.model.set_tree(nodes, counts)
        self.tree.expandToDepth(0)
        for category_id in expanded:
            self.tree.expand(self.model.index_of(category_id))
        self.navigator._select_category(self.navigator.model.query.category_id)

    def _expanded_ids(self) -> list[uuid.UUID]:
        return [n.id for n in self.model.nodes() if self.tree.isExpanded(self.model.index_of(n.id))]


def _disable(action: QAction, reason: str) -> None:
    action.setEnabled(False)
    action.setToolTip(reason)
    action.setStatusTip(reason)


def _text_dialog(parent: QWidget, title: str, label: str, text: str) -> QInputDialog:
    dialog = QInputDialog(parent, objectName="categoryNameDialog")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    return dialog


def install_category_admin(navigator: QueueNavigator) -> CategoryAdmin:
    admin = CategoryAdmin(navigator)
    navigator.category_admin = admin  # type: ignore[attr-defined]
    return admin
