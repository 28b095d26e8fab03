"""The queue's views in the sidebar: the built-in ones, then the user's saved views."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop_app.domain.queue_filter import BUILTIN_VIEWS, QueueQuery

VIEW_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ViewEntry:
    key: str  # built-in key, or the saved view's id as text
    name: str
    query: QueueQuery
    note: str = ""
    saved_id: object = None  # uuid.UUID for user views

    @property
    def is_saved(self) -> bool:
        return self.saved_id is not None


BUILTIN_ENTRIES = tuple(ViewEntry(v.key, v.name, v.query, v.note) for v in BUILTIN_VIEWS)


class SavedViewsModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self._entries: list[ViewEntry] = list(BUILTIN_ENTRIES)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_saved(self, saved: list) -> None:  # list[SavedViewSummary]
        self.beginResetModel()
        self._entries = [*BUILTIN_ENTRIES, *(ViewEntry(str(v.id), v.name, v.query, "", v.id) for v in saved)]
        self.endResetModel()

    def entries(self) -> list[ViewEntry]:
        return list(self._entries)

    def entry(self, row: int) -> ViewEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, key: str) -> int | None:
        return next((n for n, entry in enumerate(self._entries) if entry.key == key), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.name
        if role == VIEW_ROLE:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.note or ("Your saved view (right-click: rename, move, delete)" if entry.is_saved else None)
        if role == Qt.ItemDataRole.FontRole and entry.is_saved:
            return self._italic
        return None
