"""The queue as a lazy table model over a million incidents.

``rowCount`` is the true number of matches, so the scrollbar tells the truth; rows are ``None``
until the view paints them, then their page is read on the DB worker by keyset from a loaded
neighbour (or from either end, or, for a jump into the middle, from the key at that position),
never with OFFSET into row data. ChangeSets re-read only the incidents they name: rows update in
place, move, leave or arrive; Qt's persistent indexes keep the selection through all of it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.domain.dtos import IncidentSummary
from desktop_app.domain.enums import Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.queue_filter import QueueCounts, QueueQuery, QueueRow, QueueSort
from desktop_app.views.item_models.first_read import FirstRead
from desktop_app.views.item_models.queue_columns import (
    PRIORITY_COLUMN,
    QUEUE_COLUMNS,
    SLA_COLUMN,
    TITLE_COLUMN,
    SlaTexts,
)
from desktop_app.views.item_models.queue_refresh import QueueRefresh, QueueSource
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.priority_badge import PRIORITY_COLOURS

INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
LOADING_TEXT = "Loading…"
CENTRED = int(Qt.AlignmentFlag.AlignCenter)
TEXT_CACHE_ROWS = 2000
# Rows in the first read of a query: more than a tall window shows, fewer than a page.
FIRST_READ_ROWS = 80
SERVED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        INCIDENT_ID_ROLE,
        SUMMARY_ROLE,
    )
)

AnyIndex = QModelIndex | QPersistentModelIndex


class QueueTableModel(QueueRefresh, QAbstractTableModel):
    loading_changed = Signal(bool)
    total_changed = Signal(int)  # the number of matches
    counts_changed = Signal(object)  # QueueCounts
    query_changed = Signal(object)  # QueueQuery
    query_failed = Signal(object)  # ValidationError: the search or a filter names nothing known
    load_failed = Signal(object)

    def __init__(self, source: QueueSource, runner: TaskRunner, page_size: int = 200) -> None:
        super().__init__()
        self._source = source
        self._runner = runner
        self._page_size = page_size
        self._first_rows = min(page_size, FIRST_READ_ROWS)
        self._query = QueueQuery()
        self._rows: list[QueueRow | None] = []
        self._position: dict[uuid.UUID, int] = {}  # loaded rows only
        self._requested: set[int] = set()  # pages asked for in this generation
        self._wanted: set[int] = set()  # pages the view painted as loading, not yet asked for
        self._generation = 0  # drops answers that arrive after a reset
        self._loading = False
        self.counts = QueueCounts(0, 0)
        self.incident_total = 0
        self._total_unknown = True  # until a read counts every incident
        self._bold = QFont()
        self._bold.setBold(True)
        self._grey = QBrush(QColor("#78909c"))
        self._priority_brushes = {
            priority: (QBrush(QColor(background)), QBrush(QColor(text)))
            for priority, (background, text) in PRIORITY_COLOURS.items()
        }
        self._text_cache: dict[int, tuple[QueueRow, int, tuple[str, ...]]] = {}
        self._request_timer = QTimer(self, singleShot=True, interval=0)
        self._request_timer.timeout.connect(self._request_wanted)
        self._sla: SlaTexts | None = None
        self._first_read: FirstRead | None = None

    def attach_sla(self, sla: SlaTexts) -> None:
        """Show SLA clocks in their column; the rows they name repaint when they load or change."""
        self._sla = sla
        sla.updated.connect(self._on_sla_updated)
        if self._rows:
            self.dataChanged.emit(self.index(0, SLA_COLUMN), self.index(len(self._rows) - 1, SLA_COLUMN))

    def _on_sla_updated(self, incident_ids: frozenset[uuid.UUID]) -> None:
        rows = [self._position[i] for i in incident_ids if i in self._position]
        if rows:
            self.dataChanged.emit(self.index(min(rows), SLA_COLUMN), self.index(max(rows), SLA_COLUMN))

    # --- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(QUEUE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(QUEUE_COLUMNS)
        ):
            return QUEUE_COLUMNS[section].title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Called for every role of every visible cell on each paint: served from per-row caches.
        if role not in SERVED_ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        queue_row = self._rows[index.row()]
        if queue_row is None:
            self._want(index.row() // self._page_size)
            if role == Qt.ItemDataRole.DisplayRole and index.column() == TITLE_COLUMN:
                return LOADING_TEXT
            return None
        row = queue_row.summary
        column = index.column()
        if column == SLA_COLUMN and self._sla is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._sla.text(row.id)
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._sla.colour(row.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(queue_row)[column]
        if role == INCIDENT_ID_ROLE:
            return row.id
        if role == SUMMARY_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.title if column == TITLE_COLUMN else None
        if column == PRIORITY_COLUMN:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._priority_brushes[row.priority][0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._priority_brushes[row.priority][1]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return CENTRED
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.status == Status.NEW else None
        if role == Qt.ItemDataRole.ForegroundRole and not row.status.is_open:
            return self._grey
        return None

    def _texts(self, queue_row: QueueRow) -> tuple[str, ...]:
        """The row's cell texts, kept for the minute (ages and times move with the clock)."""
        minute = int(time.time() // 60)
        cached = self._text_cache.get(id(queue_row))
        if cached is not None and cached[0] is queue_row and cached[1] == minute:
            return cached[2]
        now = datetime.now(UTC)
        texts = tuple(column.text(queue_row.summary, now) for column in QUEUE_COLUMNS)
        if len(self._text_cache) > TEXT_CACHE_ROWS:
            self._text_cache.clear()
        self._text_cache[id(queue_row)] = (queue_row, minute, texts)
        return texts

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = QUEUE_COLUMNS[column].sort_key if 0 <= column < len(QUEUE_COLUMNS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        # While searching, a column sort takes over from relevance (``sort_by_relevance`` goes back).
        searching = self._query.by_relevance and bool(self._query.search.strip())
        if self._query.sort != QueueSort(key, descending) or searching:
            changes: dict[str, object] = {"sort": QueueSort(key, descending)}
            if self._query.search.strip():
                changes["by_relevance"] = False
            self.set_query(self._query.with_changes(**changes))

    def sort_by_relevance(self) -> None:
        """Rank the search's matches again (when the search is the only condition)."""
        if not self._query.by_relevance:
            self.set_query(self._query.with_changes(by_relevance=True))

    # --- the query -----------------------------------------------------------------------

    @property
    def query(self) -> QueueQuery:
        return self._query

    @property
    def total(self) -> int:
        """The number of incidents the query matches."""
        return len(self._rows)

    def set_source(self, source: QueueSource) -> None:
        """Swap the reader (quick start → services); the rows already shown stay."""
        self._source = source

    def set_query(self, query: QueueQuery) -> None:
        """Show another filter, search or sort: the counts and the first page in one read."""
        same_read_on_the_way = query == self._query and self._loading
        self._query = query
        self.query_changed.emit(query)
        if same_read_on_the_way:
            return  # the window opening its default view while the first read is still coming
        self._load_first_page(with_total=False)

    def reload(self) -> None:
        """Read the query again from the top (F5, after a sync), counting every incident too."""
        self._load_first_page(with_total=True)

    def start_first_read(self) -> None:
        """Start reading the first page now, while the window is still being built (``first_read.py``);
        the next ``reload()`` of the same query takes its answer."""
        query, rows, source = self._query, self._first_rows, self._source
        first = self._first_read = FirstRead(query)
        self._runner.run_db(
            lambda: source.first_page(query, rows, with_total=True, exact=False),
            on_done=first.done,
            on_error=first.failed,
        )

    def _load_first_page(self, *, with_total: bool) -> None:
        with_total = with_total or self._total_unknown
        self._generation += 1
        generation = self._generation
        self._set_loading(True)
        on_done = lambda answer: self._on_first_page(generation, answer)  # noqa: E731
        on_error = lambda exc: self._on_first_page_failed(generation, exc)  # noqa: E731
        first, self._first_read = self._first_read, None
        if first is not None and first.query == self._query:
            first.hand_to(on_done, on_error)
            return
        self._runner.run_db(
            lambda: self._source.first_page(self._query, self._first_rows, with_total=with_total, exact=False),
            on_done=on_done,
            on_error=on_error,
        )

    def _on_first_page_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        if not isinstance(exc, ValidationError):
            self._on_load_failed(exc)
            return
        self._on_first_page(generation, (QueueCounts(-1, 0), []))
        self.query_failed.emit(exc)

    def _on_first_page(self, generation: int, answer: tuple[QueueCounts, list[QueueRow]]) -> None:
        if generation != self._generation:
            return
        counts, page = answer
        self._set_loading(False)
        size = max(counts.matches, len(page))
        self.beginResetModel()
        self._rows = [None] * size
        self._rows[: len(page)] = page
        self._position = {row.summary.id: n for n, row in enumerate(page)}
        # The first read is short (a screenful); the rest of page 0 comes when scrolled to.
        self._requested = {0} if len(page) >= min(self._page_size, size) else set()
        self._wanted = set()
        self.endResetModel()
        self._set_counts(counts)
        if counts.matches < 0:  # a huge hit set: counted after the first paint
            self._runner.run_db(
                lambda: self._source.counts(self._query, with_total=False),
                on_done=lambda later: self._on_recounted(generation, later),
                on_error=self._on_load_failed,
            )

    def _set_counts(self, counts: QueueCounts) -> None:
        if counts.total >= 0:
            self.incident_total = counts.total
            self._total_unknown = False
        matches = counts.matches if counts.matches >= 0 else len(self._rows)
        self.counts = QueueCounts(self.incident_total, matches, counts.search_mode, counts.note)
        self.counts_changed.emit(self.counts)
        self.total_changed.emit(matches)

    def _on_recounted(self, generation: int, counts: QueueCounts) -> None:
        if generation != self._generation:
            return
        self._resize(counts.matches)
        self._set_counts(counts)

    def _resize(self, size: int) -> None:
        """Match the true count after changes whose place was unknown: grow or shrink at the end."""
        current = len(self._rows)
        if size > current:
            self.beginInsertRows(QModelIndex(), current, size - 1)
            self._rows.extend([None] * (size - current))
            self.endInsertRows()
        elif size < current:
            # The rows that left were unread ones (a loaded row would have been found): drop
            # placeholders, the last ones first, so every loaded row keeps its place.
            excess = current - size
            unread = [n for n in range(current - 1, -1, -1) if self._rows[n] is None][:excess]
            for position in unread:
                self._remove(position)
            while len(self._rows) > size:
                self._remove(len(self._rows) - 1)

    # --- pages ---------------------------------------------------------------------------

    def _want(self, page: int) -> None:
        if page not in self._requested and page not in self._wanted:
            self._wanted.add(page)
            self._request_timer.start()

    def _request_wanted(self) -> None:
        """Read the wanted pages that have a loaded neighbour or an end to page from; the others
        after those arrive (then they have one), or, if none has, the first by its key."""
        wanted = sorted(self._wanted)
        chosen = [page for page in wanted if self._anchored(page)] or wanted[:1]
        for page in chosen:
            self._wanted.discard(page)
            self.fetch_page(page)

    def _anchored(self, page: int) -> bool:
        start = page * self._page_size
        end = min(start + self._page_size, len(self._rows))
        return start == 0 or end >= len(self._rows) or self._rows[start - 1] is not None or self._rows[end] is not None

    def fetch_rows(self, first: int, last: int) -> None:
        """Read the pages holding rows ``first``..``last`` now (tests, jumps)."""
        for page in range(max(first, 0) // self._page_size, max(last, 0) // self._page_size + 1):
            self.fetch_page(page)

    def fetch_page(self, page: int) -> None:
        start = page * self._page_size
        end = min(start + self._page_size, len(self._rows))
        if start >= end or page in self._requested:
            return
        self._requested.add(page)
        if all(row is not None for row in self._rows[start:end]):
            return
        query, source, limit = self._query, self._source, end - start
        before = self._rows[start - 1] if start > 0 else None
        after = self._rows[end] if end < len(self._rows) else None
        backward = False
        if start == 0:
            job: Callable[[], list[QueueRow]] = lambda: source.page(query, limit)  # noqa: E731
        elif before is not None:
            job = lambda: source.page(query, limit, before.key)  # noqa: E731
        elif after is not None or end == len(self._rows):
            backward = True
            job = lambda: source.page(query, limit, after.key if after else None, backward=True)  # noqa: E731
        else:

            def job() -> list[QueueRow]:
                key = source.key_at(query, start - 1)
                return source.page(query, limit, key) if key is not None else []

        generation = self._generation
        self._runner.run_db(
            job,
            on_done=lambda rows: self._on_page(generation, start, end, rows, backward),
            on_error=self._on_load_failed,
        )

    def _on_page(self, generation: int, start: int, end: int, rows: list[QueueRow], backward: bool) -> None:
        if generation != self._generation:
            return
        first = end - len(rows) if backward else start
        changed: list[int] = []
        for offset, row in enumerate(rows):
            position = first + offset
            if not start <= position < end or self._rows[position] is not None:
                continue
            if row.summary.id in self._position:
                continue  # shown elsewhere already: the rows moved meanwhile; a refresh settles it
            self._rows[position] = row
            self._position[row.summary.id] = position
            changed.append(position)
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(QUEUE_COLUMNS) - 1))
        if self._wanted:
            self._request_timer.start()

    def _on_load_failed(self, exc: Exception) -> None:
        self._set_loading(False)
        self.load_failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading
        self.loading_changed.emit(loading)

    # --- lookups -------------------------------------------------------------------------

    def row_of(self, incident_id: uuid.UUID) -> int | None:
        return self._position.get(incident_id)

    def summary_at(self, row: int) -> IncidentSummary | None:
        queue_row = self._rows[row] if 0 <= row < len(self._rows) else None
        return queue_row.summary if queue_row is not None else None

    def loaded_count(self) -> int:
        return len(self._position)
