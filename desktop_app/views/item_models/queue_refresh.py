"""The queue model's refresh from ChangeSets: re-read only the incidents a change names.

Rows update in place, move, leave or arrive; an arrival in an unread gap is only a placeholder
(its page brings it). Mixed into ``QueueTableModel`` (``queue_table_model.py``), whose rows,
positions and reads it works on.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QModelIndex

from desktop_app.domain.queue_filter import QueueCounts, QueueQuery, QueueRow
from desktop_app.views.item_models.queue_columns import QUEUE_COLUMNS

if TYPE_CHECKING:
    from desktop_app.views.tasks import TaskRunner


class QueueSource(Protocol):
    """Where rows come from: ``QueueService``, or ``db.queue_sql.QuickQueuePager`` at start-up."""

    def first_page(
        self, query: QueueQuery, limit: int, *, with_total: bool = True, exact: bool = True
    ) -> tuple[QueueCounts, list[QueueRow]]: ...

    def page(
        self, query: QueueQuery, limit: int = 200, after: tuple | None = None, backward: bool = False
    ) -> list[QueueRow]: ...

    def key_at(self, query: QueueQuery, position: int) -> tuple | None: ...

    def rows_for(self, query: QueueQuery, ids: Sequence[uuid.UUID]) -> tuple[list[QueueRow], frozenset[uuid.UUID]]: ...

    def counts(self, query: QueueQuery, *, with_total: bool = True) -> QueueCounts: ...


class QueueRefresh:
    """ChangeSet handling for the queue model; the model supplies the attributes below."""

    _rows: list[QueueRow | None]
    _position: dict[uuid.UUID, int]
    _requested: set[int]
    _page_size: int
    _generation: int
    _query: QueueQuery
    _source: QueueSource
    _runner: TaskRunner
    # It also calls QAbstractTableModel's row signals and the model's _on_load_failed/_on_recounted.

    def refresh_incidents(self, ids: frozenset[uuid.UUID]) -> None:
        """Re-read just these incidents: update in place, move, drop or insert them; then recount."""
        if not ids:
            return
        generation = self._generation
        query = self._query
        self._runner.run_db(
            self._source.rows_for,
            query,
            sorted(ids),
            on_done=lambda answer: self._on_rows_refreshed(generation, answer),
            on_error=self._on_load_failed,
        )

    def _on_rows_refreshed(self, generation: int, answer: tuple[list[QueueRow], frozenset[uuid.UUID]]) -> None:
        if generation != self._generation:
            return
        found, gone = answer
        located = True
        for incident_id in gone:
            if incident_id in self._position:
                self._remove(self._position[incident_id])
            else:
                located = False
        for row in found:
            position = self._position.get(row.summary.id)
            if position is not None and self._fits(position, row):
                self._rows[position] = row
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(QUEUE_COLUMNS) - 1))
                continue
            if position is not None:
                self._remove(position)
            located = self._insert(row) and located
        if not located or found or gone:
            generation = self._generation
            self._runner.run_db(
                lambda: self._source.counts(self._query),
                on_done=lambda counts: self._on_recounted(generation, counts),
                on_error=self._on_load_failed,
            )

    def _fits(self, position: int, row: QueueRow) -> bool:
        previous = self._rows[position - 1] if position > 0 else None
        following = self._rows[position + 1] if position + 1 < len(self._rows) else None
        return (previous is None or previous.order < row.order) and (following is None or row.order < following.order)

    def _remove(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        removed = self._rows.pop(position)
        if removed is not None:
            self._position.pop(removed.summary.id, None)
        self._shift(position, -1)
        self.endRemoveRows()

    def _insert(self, row: QueueRow) -> bool:
        """Put a row where its order says; in an unread gap only a placeholder (its page brings
        it). Returns False when the row's place in the gap is not known exactly."""
        loaded = sorted(self._position.values())
        after = next((p for p in loaded if row.order < self._rows[p].order), None)  # type: ignore[union-attr]
        before = next((p for p in reversed(loaded) if self._rows[p].order < row.order), None)  # type: ignore[union-attr]
        if after is not None and ((before is None and after == 0) or (before is not None and after == before + 1)):
            position, exact = after, True
        elif after is None and ((before is None and not self._rows) or before == len(self._rows) - 1):
            position, exact = len(self._rows), True
        else:
            position, exact = (before + 1 if before is not None else 0), False
        self.beginInsertRows(QModelIndex(), position, position)
        self._shift(position, 1)
        self._rows.insert(position, row if exact else None)
        if exact:
            self._position[row.summary.id] = position
        self.endInsertRows()
        return exact

    def _shift(self, position: int, delta: int) -> None:
        for incident_id, at in self._position.items():
            if at >= position:
                self._position[incident_id] = at + delta
        # Pages asked for are by position; after a shift, ask again.
        self._requested = {page for page in self._requested if (page + 1) * self._page_size <= position}
