"""The queue as a lazy table model: newest first, fetched a page at a time as the view scrolls.

Pages are read by keyset (created_at, id) on the DB worker, never with OFFSET; ChangeSets
refresh only the rows they name. A later issue adds filters, sorting and the category tree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.domain.dtos import IncidentSummary
from desktop_app.domain.enums import Status
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.priority_badge import PRIORITY_COLOURS

COLUMNS = ("Number", "Priority", "Title", "Reporter", "Category", "Status", "Assignee", "Age", "Updated")
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


def age_text(since: datetime, now: datetime) -> str:
    seconds = max(int((now - since).total_seconds()), 0)
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def local_time_text(moment: datetime, now: datetime) -> str:
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _sort_key(summary: IncidentSummary) -> tuple[datetime, uuid.UUID]:
    """The queue's order, newest first: the same (created_at, id) the pages are read by."""
    return (summary.created_at, summary.id)


class QueueSource(Protocol):
    """Where pages come from: IncidentService, or the sqlite3 quick reader during start-up."""

    def list_recent(
        self, limit: int = 200, after: tuple[datetime, uuid.UUID] | None = None, open_only: bool = False
    ) -> list[IncidentSummary]: ...

    def count(self, open_only: bool = False) -> int: ...

    def summaries(self, ids: list[uuid.UUID] | frozenset[uuid.UUID]) -> list[IncidentSummary]: ...


class QueueTableModel(QAbstractTableModel):
    loading_changed = Signal(bool)
    total_changed = Signal(int)
    load_failed = Signal(object)

    def __init__(self, incidents: QueueSource, runner: TaskRunner, page_size: int = 200) -> None:
        super().__init__()
        self._incidents = incidents
        self._runner = runner
        self._page_size = page_size
        self._rows: list[IncidentSummary] = []
        self._row_of: dict[uuid.UUID, int] = {}
        self._exhausted = False
        self._loading = False
        self._generation = 0  # drops pages that arrive after a reset
        self.total = 0
        self._bold = QFont()
        self._bold.setBold(True)

    # --- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == INCIDENT_ID_ROLE:
            return row.id
        if role == SUMMARY_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return row.title
        if column == 1 and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(PRIORITY_COLOURS[row.priority][0]))
        if column == 1 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(PRIORITY_COLOURS[row.priority][1]))
        if column == 1 and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and row.status == Status.NEW:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and not row.status.is_open:
            return QBrush(QColor("#78909c"))
        return None

    def _display(self, row: IncidentSummary, column: int) -> str:
        now = datetime.now(UTC)
        values = (
            row.display_number,
            row.priority.value,
            row.title,
            row.reporter_name or "",
            row.category_path or "",
            row.status.label,
            row.assignee_name or (row.group_name or ""),
            age_text(row.created_at, now),
            local_time_text(row.updated_at, now),
        )
        return values[column]

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._loading or self._exhausted:
            return
        last = self._rows[-1] if self._rows else None
        after = (last.created_at, last.id) if last else None
        self._set_loading(True)
        generation = self._generation
        self._runner.run_db(
            self._incidents.list_recent,
            self._page_size,
            after,
            on_done=lambda page: self._on_page_loaded(generation, page),
            on_error=self._on_load_failed,
        )

    # --- loading and refreshing ----------------------------------------------------------

    def set_source(self, incidents: QueueSource) -> None:
        """Swap the reader (quick start → services); the rows already shown stay."""
        self._incidents = incidents

    def reload(self) -> None:
        """Start again from the newest incident (F5)."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._row_of = {}
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self._runner.run_db(self._incidents.count, on_done=self._on_total_counted, on_error=self._on_load_failed)
        self.fetchMore(QModelIndex())

    def _on_total_counted(self, total: int) -> None:
        self.total = total
        self.total_changed.emit(total)

    def _on_page_loaded(self, generation: int, page: list[IncidentSummary]) -> None:
        self._set_loading(False)
        if generation != self._generation:
            return
        fresh = [row for row in page if row.id not in self._row_of]
        if len(page) < self._page_size:
            self._exhausted = True
        if not fresh:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        for offset, row in enumerate(fresh):
            self._row_of[row.id] = start + offset
        self._rows.extend(fresh)
        self.endInsertRows()

    def _on_load_failed(self, exc: Exception) -> None:
        self._set_loading(False)
        self.load_failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading
        self.loading_changed.emit(loading)

    def refresh_incidents(self, ids: frozenset[uuid.UUID]) -> None:
        """Re-read just these incidents; new ones within the loaded range are inserted in order."""
        if ids:
            self._runner.run_db(self._incidents.summaries, ids, on_done=self._on_summaries_loaded)

    def _on_summaries_loaded(self, summaries: list[IncidentSummary]) -> None:
        newcomers = []
        for summary in summaries:
            row = self._row_of.get(summary.id)
            if row is not None:
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            elif self._exhausted or (self._rows and _sort_key(summary) > _sort_key(self._rows[-1])):
                # Within the loaded range but not loaded: new since the pages were read.
                newcomers.append(summary)
            # Older than the last loaded row: its page will bring it; it is not new to the total.
        if not newcomers:
            return
        for summary in sorted(newcomers, key=_sort_key, reverse=True):
            key = _sort_key(summary)
            position = next((i for i, row in enumerate(self._rows) if _sort_key(row) < key), len(self._rows))
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.insert(position, summary)
            self._row_of = {row.id: i for i, row in enumerate(self._rows)}
            self.endInsertRows()
        self._on_total_counted(self.total + len(newcomers))

    def row_of(self, incident_id: uuid.UUID) -> int | None:
        return self._row_of.get(incident_id)

    def summary_at(self, row: int) -> IncidentSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def loaded_count(self) -> int:
        return len(self._rows)
