"""Drives the queue pane once the services are in: views, category tree, filters, search.

Every change of view, category, filter or search text becomes one ``QueueQuery`` handed to the
table model (one read on the DB worker: counts and first page). The sidebar's open counts are
re-read after ChangeSets, debounced.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from desktop_app.domain.bulk import BulkChange, BulkOutcome
from desktop_app.domain.queue_filter import QueueQuery
from desktop_app.domain.search_query import SearchQuery, SearchSyntaxError, parse_search
from desktop_app.views.bulk_dialog import BulkDialog
from desktop_app.views.category_admin import install_category_admin
from desktop_app.views.command_palette import CommandPalette, action_entries
from desktop_app.views.item_models.category_tree_model import CATEGORY_ID_ROLE, CategoryTreeModel
from desktop_app.views.item_models.saved_views_model import VIEW_ROLE, SavedViewsModel, ViewEntry

if TYPE_CHECKING:
    from desktop_app.context import AppContext
    from desktop_app.views.main_window import MainWindow

SEARCH_DELAY_MS = 300
COUNTS_DELAY_MS = 800


class QueueNavigator(QObject):
    view_changed = Signal(object)  # ViewEntry
    highlight_changed = Signal(object)  # the parsed SearchQuery (its words are marked in the detail pane)

    def __init__(self, window: MainWindow, context: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.runner = window.runner
        self.view = window.queue
        self.model = window.queue_model
        self.categories = CategoryTreeModel()
        self.views = SavedViewsModel()
        self.view.category_tree.setModel(self.categories)
        self.view.views_list.setModel(self.views)
        self.current_view: ViewEntry = self.views.entry(0)  # type: ignore[assignment]
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._counts_timer = QTimer(self, singleShot=True, interval=COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self.reload_counts)
        from desktop_app.services.bulk_service import BulkService  # with the services, after the first paint

        self.bulk = BulkService(context.incidents)
        self._connect()
        self.load_sidebar()
        self.view.views_list.setCurrentIndex(self.views.index(0))

    def _connect(self) -> None:
        self.view.views_list.selectionModel().currentChanged.connect(self._on_view_chosen)
        self.view.views_list.customContextMenuRequested.connect(self._on_views_menu)
        self.view.category_tree.selectionModel().currentChanged.connect(self._on_category_chosen)
        self.view.filters.changed.connect(self._on_filters_changed)
        self.view.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.view.search_submitted.connect(lambda _text: self._apply_search())
        self.model.query_failed.connect(lambda exc: self.view.show_search_error(str(exc)))
        self.model.query_changed.connect(self._on_query_changed)
        self.window.bus.incidents_changed.connect(lambda _ids: self._counts_timer.start())
        self.window.bus.incidents_created.connect(lambda _ids: self._counts_timer.start())
        self.highlight_changed.connect(self.window.detail.set_highlight)

    # --- the sidebar ---------------------------------------------------------------------

    def load_sidebar(self) -> None:
        context = self.context

        def load() -> tuple:
            return (
                context.categories.tree(include_inactive=True),  # the model hides them unless asked
                context.queue.category_open_counts(),
                context.saved_views.list(),
                context.directory.groups(),
                context.directory.agents(),
            )

        self.runner.run_db(load, on_done=self._on_sidebar_loaded, on_error=self.window._show_error)

    def _on_sidebar_loaded(self, loaded: tuple) -> None:
        tree, counts, saved, groups, agents = loaded
        self.categories.set_tree(tree, counts)
        self.view.category_tree.expandToDepth(0)
        self.view.category_tree.setColumnWidth(0, 140)
        self.view.category_tree.resizeColumnToContents(1)
        self._set_saved(saved)
        self.view.filters.set_people(groups, agents)
        self.view.filters.show(self.model.query)

    def _set_saved(self, saved: list) -> None:
        current_key = self.current_view.key
        selection = self.view.views_list.selectionModel()
        selection.blockSignals(True)
        self.views.set_saved(saved)
        row = self.views.row_of(current_key)
        if row is not None:
            self.view.views_list.setCurrentIndex(self.views.index(row))
        selection.blockSignals(False)

    def reload_counts(self) -> None:
        self.runner.run_db(self.context.queue.category_open_counts, on_done=self.categories.set_counts)

    # --- choosing what to show -------------------------------------------------------------

    def _on_view_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(VIEW_ROLE)
        if entry is not None:
            self.open_view(entry)

    def open_view(self, entry: ViewEntry) -> None:
        self.current_view = entry
        row = self.views.row_of(entry.key)
        if row is not None and self.view.views_list.currentIndex().row() != row:
            selection = self.view.views_list.selectionModel()
            selection.blockSignals(True)
            self.view.views_list.setCurrentIndex(self.views.index(row))
            selection.blockSignals(False)
        self.view.heading.setText(entry.name)
        self.view.view_note.setText(entry.note)
        self.view.view_note.setVisible(bool(entry.note))
        self.view.search.setText(entry.query.search)
        self.view.show_search_error(None)
        self.view.filters.show(entry.query)
        self._select_category(entry.query.category_id)
        self.model.set_query(entry.query)
        self.view.show_sort()
        self.view_changed.emit(entry)

    def _select_category(self, category_id: uuid.UUID | None) -> None:
        selection = self.view.category_tree.selectionModel()
        selection.blockSignals(True)
        index = self.categories.index_of(category_id)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)

    def _on_category_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.set_category(current.siblingAtColumn(0).data(CATEGORY_ID_ROLE))

    def set_category(self, category_id: uuid.UUID | None) -> None:
        self.model.set_query(self.model.query.with_changes(category_id=category_id))

    def _on_filters_changed(self) -> None:
        self.model.set_query(self.view.filters.apply_to(self.model.query))

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.view.search.text().strip()
        try:
            parsed = parse_search(text) if text else None
        except SearchSyntaxError as exc:
            self.view.show_search_error(str(exc))
            return
        self.view.show_search_error(None)
        self.highlight_changed.emit(parsed or SearchQuery())
        if text != self.model.query.search:
            # A new search starts ranked by relevance; a refined one keeps the order chosen for it.
            query = self.model.query
            fresh = not query.search.strip()
            self.model.set_query(query.with_changes(search=text, by_relevance=fresh or query.by_relevance))

    def _on_query_changed(self, _query: QueueQuery) -> None:
        self.view.show_sort()  # no arrow while a search is ranked (the counts confirm it)

    # --- palette, categories, bulk changes --------------------------------------------------

    def open_palette(self) -> CommandPalette:
        entries = action_entries(self.window.actions_by_id)
        for entry in self.views.entries():
            entries.append((f"View: {entry.name}", "", lambda e=entry: self.open_view(e)))
        entries += self.category_admin.palette_entries()  # type: ignore[attr-defined]
        palette = CommandPalette(entries, self.window)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.open()
        self.palette = palette
        return palette

    def add_category(self) -> None:
        path, ok = QInputDialog.getText(self.window, "Add category", "Path of the new category (parents are created):")
        if ok and path.strip():
            self.runner.run_db(
                self.context.categories.create,
                path,
                on_done=lambda _r: self.load_sidebar(),
                on_error=self.window._show_error,
            )

    def open_bulk(self) -> BulkDialog | None:
        ids = self.view.selected_incident_ids()
        if not ids:
            self.window.statusBar().showMessage(
                "Select incidents first (Shift or Ctrl with click, or Shift+J/K).", 8000
            )
            return None
        agents = self.view.filters.agents
        dialog = BulkDialog(len(ids), agents, self.window)
        names = {a.id: a.name for a in agents}
        dialog.preview_requested.connect(
            lambda change: self.runner.run_db(
                self.bulk.preview, ids, change, names, on_done=dialog.show_preview, on_error=self.window._show_error
            )
        )
        dialog.apply_requested.connect(lambda change: self._apply_bulk(dialog, ids, change))
        dialog.open()
        self.bulk_dialog = dialog
        return dialog

    def _apply_bulk(self, dialog: BulkDialog, ids: list[uuid.UUID], change: BulkChange) -> None:
        dialog.accept()
        self.runner.run_db(self.bulk.apply, ids, change, on_done=self._after_bulk, on_error=self.window._show_error)

    def undo_bulk(self) -> None:
        self.runner.run_db(
            self.bulk.undo,
            on_done=lambda outcome: self._after_bulk(outcome, "Undone:"),
            on_error=self.window._show_error,
        )

    def _after_bulk(self, outcome: BulkOutcome, prefix: str = "") -> None:
        self.window.bus.publish(outcome.changes)
        self.window.actions_by_id["undo_bulk"].setEnabled(self.bulk.can_undo)
        undo_hint = " Undo with Ctrl+Alt+Z." if self.bulk.can_undo and not prefix else ""
        self.window.statusBar().showMessage(f"{prefix} {outcome.summary()}{undo_hint}".strip(), 15000)

    # --- saved views ---------------------------------------------------------------------

    def save_current_view(self) -> None:
        name, ok = QInputDialog.getText(self.window, "Save view", "Name of the view (the current filters and search):")
        if not ok or not name.strip():
            return
        query = self.model.query
        self.runner.run_db(
            self.context.saved_views.save,
            name,
            query,
            on_done=lambda result: self._after_save(result.value),
            on_error=self.window._show_error,
        )

    def _after_save(self, saved) -> None:
        self.current_view = ViewEntry(str(saved.id), saved.name, saved.query, "", saved.id)
        self._reload_saved()
        self.view.heading.setText(saved.name)

    def _reload_saved(self) -> None:
        self.runner.run_db(self.context.saved_views.list, on_done=self._set_saved, on_error=self.window._show_error)

    def _on_views_menu(self, point) -> None:
        index = self.view.views_list.indexAt(point)
        entry: ViewEntry | None = index.data(VIEW_ROLE) if index.isValid() else None
        menu = QMenu(self.view)
        menu.addAction("Save current filters as a view…", self.save_current_view)
        if entry is not None and entry.is_saved:
            menu.addAction("Rename…", lambda: self._rename(entry))
            menu.addAction("Move up", lambda: self._move(entry, -1))
            menu.addAction("Move down", lambda: self._move(entry, 1))
            menu.addAction("Delete", lambda: self._delete(entry))
        menu.exec(self.view.views_list.mapToGlobal(point))

    def _rename(self, entry: ViewEntry) -> None:
        name, ok = QInputDialog.getText(self.window, "Rename view", "New name:", text=entry.name)
        if ok and name.strip():
            self.runner.run_db(
                self.context.saved_views.rename,
                entry.saved_id,
                name,
                on_done=lambda _r: self._reload_saved(),
                on_error=self.window._show_error,
            )

    def _move(self, entry: ViewEntry, delta: int) -> None:
        saved = [e for e in self.views.entries() if e.is_saved]
        position = next(n for n, e in enumerate(saved) if e.key == entry.key) + delta
        self.runner.run_db(
            self.context.saved_views.move,
            entry.saved_id,
            max(position, 0),
            on_done=lambda _r: self._reload_saved(),
            on_error=self.window._show_error,
        )

    def _delete(self, entry: ViewEntry) -> None:
        answer = QMessageBox.question(self.window, "Delete view", f"Delete the view “{entry.name}”?")
        if answer == QMessageBox.StandardButton.Yes:
            self.runner.run_db(
                self.context.saved_views.delete,
                entry.saved_id,
                on_done=lambda _r: self._reload_saved(),
                on_error=self.window._show_error,
            )


def install_queue_navigation(window: MainWindow, context: AppContext) -> QueueNavigator:
    navigator = QueueNavigator(window, context)
    window.queue_navigator = navigator  # type: ignore[attr-defined]
    actions = window.actions_by_id
    actions["command_palette"].triggered.connect(navigator.open_palette)
    actions["search_queue"].triggered.connect(window.queue.focus_search)
    actions["save_view"].triggered.connect(navigator.save_current_view)
    actions["add_category"].triggered.connect(navigator.add_category)
    actions["bulk_change"].triggered.connect(navigator.open_bulk)
    actions["undo_bulk"].triggered.connect(navigator.undo_bulk)
    actions["undo_bulk"].setEnabled(False)
    install_category_admin(navigator)
    return navigator
