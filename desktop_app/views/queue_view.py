"""The queue pane: saved views and the category tree on the left; search, filters, counts and the
incident table on the right. The sidebar and filters are driven by ``queue_navigation``."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.queue_filter import QueueCounts, QueueSort
from desktop_app.views.item_models.queue_columns import QUEUE_COLUMNS
from desktop_app.views.item_models.queue_table_model import INCIDENT_ID_ROLE, QueueTableModel
from desktop_app.views.queue_filter_bar import QueueFilterBar
from desktop_app.views.widgets.status_text import StatusText

DEFAULT_WIDTHS = {"Number": 92, "Priority": 66, "Title": 270, "Reporter": 140, "Category": 170, "Status": 90}
DEFAULT_WIDTHS |= {"Assignee": 120, "Age": 52, "Updated": 128, "SLA": 170}
COLUMN_WIDTHS = tuple(DEFAULT_WIDTHS.get(column.title, 100) for column in QUEUE_COLUMNS)
# Search modes whose order is relevance (or recency when too many to rank), not a column.
RELEVANCE_MODES = ("ranked", "recent")
RELEVANCE_ITEM = "Sort search results by relevance"


class QueueTable(QTableView):
    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # j/k like a mail reader (Shift extends the selection); Enter opens the incident.
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_J, Qt.Key.Key_K) and modifiers in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            self._step(1 if key == Qt.Key.Key_J else -1, extend=modifiers == Qt.KeyboardModifier.ShiftModifier)
            return
        super().keyPressEvent(event)

    def _step(self, delta: int, *, extend: bool = False) -> None:
        row = max(0, min(self.currentIndex().row() + delta, self.model().rowCount() - 1))
        index = self.model().index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select if extend else QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)


def _first_click_descending(sort_key: str) -> bool:
    return sort_key in ("created", "updated")  # Age and Updated start newest first


def sort_text(sort: QueueSort) -> str:
    """ "sorted by Priority ↑" for the count line of a column-sorted search."""
    title = next((c.title for c in QUEUE_COLUMNS if c.sort_key == sort.column), sort.column)
    return f"sorted by {title} {'↓' if sort.descending else '↑'} (third click on it or right-click: relevance)"


def count_text(counts: QueueCounts, loading: bool = False, sort: QueueSort | None = None) -> str:
    """ "1,000,000 incidents, 12,345 match", plus how search results are ordered."""
    if loading and counts.total == 0:
        return "Loading…"
    noun = "incident" if counts.total == 1 else "incidents"
    text = f"{counts.total:,} {noun}"
    if counts.matches != counts.total or counts.search_mode:
        text += f", {counts.matches:,} {'match' if counts.matches != 1 else 'matches'}"
    if counts.search_mode == "sorted" and sort is not None:
        text += f" · {sort_text(sort)}"
    elif counts.note:
        text += f" · {counts.note}"
    return text


class QueueView(QWidget):
    incident_selected = Signal(object)  # UUID or None
    open_requested = Signal(object)  # UUID
    search_submitted = Signal(str)

    def __init__(self, model: QueueTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.views_list = QListView(objectName="savedViews")
        self.views_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.views_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.category_tree = QTreeView(objectName="categoryTree")
        self.category_tree.setHeaderHidden(False)
        self.category_tree.setUniformRowHeights(True)
        self.category_tree.setIndentation(14)  # the default 20 px a level cut leaf names short
        self.category_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.heading = QLabel("All incidents", objectName="queueHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.view_note = QLabel(objectName="queueViewNote")
        self.view_note.setStyleSheet("color: #6d4c41;")
        self.view_note.setWordWrap(True)
        self.view_note.hide()
        # Not a QLabel: its text changes on every interaction, and a label's new text lays out the
        # whole window again (~10 ms of a 25 ms click on a header at a million incidents).
        self.count_label = StatusText("Loading…", object_name="queueCount", colour="#455a64")
        self.search = QLineEdit(objectName="queueSearch")
        self.search.setPlaceholderText('Search (/): words, "a phrase", print*, status:open priority:P1 reporter:smith')
        self.search.setClearButtonEnabled(True)
        self.search_error = QLabel(objectName="queueSearchError")
        self.search_error.setStyleSheet("color: #b71c1c;")
        self.search_error.setWordWrap(True)
        self.search_error.hide()
        self.filters = QueueFilterBar()
        self.table = QueueTable(objectName="queueTable")
        self._setup_table()
        self.sidebar = QSplitter(Qt.Orientation.Vertical, objectName="queueSidebar")
        for title, widget in (("Views", self.views_list), ("Categories (open)", self.category_tree)):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            label = QLabel(title)
            label.setStyleSheet("font-weight: bold; color: #37474f;")
            box_layout.addWidget(label)
            box_layout.addWidget(widget)
            self.sidebar.addWidget(box)
        self.sidebar.setStretchFactor(1, 2)
        self.sidebar.setMinimumWidth(220)
        main = QWidget()
        layout = QVBoxLayout(main)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.count_label, 1)
        layout.addLayout(top)
        layout.addWidget(self.view_note)
        layout.addWidget(self.search)
        layout.addWidget(self.search_error)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="queueSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(main)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 900])  # room for "Spam and phishing" two levels down
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self._kept_selection: uuid.UUID | None = None
        self._kept_scroll = 0
        self._connect_signals()

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(24)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)  # column order, widths and hidden columns are saved (window.ini)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(
            QUEUE_COLUMNS.index(next(c for c in QUEUE_COLUMNS if c.sort_key == "created")), Qt.SortOrder.DescendingOrder
        )
        header.setSectionsClickable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for column, width in enumerate(COLUMN_WIDTHS):
            table.setColumnWidth(column, width)

    def _connect_signals(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.open_requested.connect(self._on_table_open_requested)
        self.table.doubleClicked.connect(lambda _index: self._on_table_open_requested())
        self.table.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        self.table.horizontalHeader().customContextMenuRequested.connect(self._on_header_menu)
        self.search.returnPressed.connect(lambda: self.search_submitted.emit(self.search.text()))
        self.model.counts_changed.connect(self._update_count)
        self.model.loading_changed.connect(lambda _loading: self._update_count())
        self.model.modelAboutToBeReset.connect(self._keep_place)
        self.model.modelReset.connect(self._restore_place)

    # --- counts, sorting, columns --------------------------------------------------------

    def _update_count(self, *_args: object) -> None:
        counts = self.model.counts
        self.count_label.setText(count_text(counts, self.model._loading, self.model.query.sort))
        if counts.search_mode:  # the service's word on the order in force
            self.table.horizontalHeader().setSortIndicatorShown(counts.search_mode not in RELEVANCE_MODES)

    def _ranked(self) -> bool:
        query = self.model.query
        return bool(query.search.strip()) and query.by_relevance and self.model.counts.search_mode in RELEVANCE_MODES

    def _on_header_clicked(self, column: int) -> None:
        spec = QUEUE_COLUMNS[column]
        if spec.sort_key is None:
            return
        query, sort = self.model.query, self.model.query.sort
        # A second click on the sorted column flips it; a new column starts ascending (Age: newest).
        # While searching, a third click goes back to relevance; a first click leaves relevance.
        same = sort.column == spec.sort_key and not self._ranked()
        first = _first_click_descending(spec.sort_key)
        if same and query.search.strip() and sort.descending != first and self.model.counts.search_mode == "sorted":
            self.model.sort_by_relevance()
            return
        descending = not sort.descending if same else first
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.model.sort(column, order)

    def show_sort(self) -> None:
        """Put the header's sort arrow where the query's sort is (after a saved view is chosen);
        none while a search is ranked by relevance."""
        sort = self.model.query.sort
        column = next(n for n, c in enumerate(QUEUE_COLUMNS) if c.sort_key == sort.column)
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.setSortIndicatorShown(not (self.model.query.search.strip() and self.model.query.by_relevance))
        header.blockSignals(False)

    def _on_header_menu(self, point) -> None:
        self.header_menu().exec(self.table.horizontalHeader().mapToGlobal(point))

    def header_menu(self) -> QMenu:
        """Which columns show, and (while a search is sorted by a column) back to relevance."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for column, spec in enumerate(QUEUE_COLUMNS):
            action = menu.addAction(spec.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        menu.addSeparator()
        relevance = menu.addAction(RELEVANCE_ITEM)
        relevance.setCheckable(True)
        relevance.setChecked(self._ranked())
        relevance.setEnabled(self.model.counts.search_mode == "sorted")
        relevance.triggered.connect(lambda _checked: self.model.sort_by_relevance())
        return menu

    # --- keeping the place through a reload ----------------------------------------------

    def _keep_place(self) -> None:
        self._kept_selection = self.current_incident_id()
        self._kept_scroll = self.table.verticalScrollBar().value()

    def _restore_place(self) -> None:
        if self._kept_selection is not None:
            self.select_incident(self._kept_selection, scroll=False)
        self.table.verticalScrollBar().setValue(min(self._kept_scroll, self.table.verticalScrollBar().maximum()))

    # --- selection -------------------------------------------------------------------------

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.incident_selected.emit(current.data(INCIDENT_ID_ROLE) if current.isValid() else None)

    def _on_table_open_requested(self) -> None:
        current = self.table.currentIndex()
        if current.isValid() and current.data(INCIDENT_ID_ROLE) is not None:
            self.open_requested.emit(current.data(INCIDENT_ID_ROLE))

    def current_incident_id(self) -> uuid.UUID | None:
        current = self.table.currentIndex()
        return current.data(INCIDENT_ID_ROLE) if current.isValid() else None

    def selected_incident_ids(self) -> list[uuid.UUID]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = [self.model.index(row, 0).data(INCIDENT_ID_ROLE) for row in rows]
        return [incident_id for incident_id in ids if incident_id is not None]

    def select_incident(self, incident_id: uuid.UUID, *, scroll: bool = True) -> bool:
        row = self.model.row_of(incident_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        if scroll:
            self.table.scrollTo(index)
        return True

    def focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_search_error(self, message: str | None) -> None:
        self.search_error.setText(message or "")
        self.search_error.setVisible(bool(message))
