"""Table models of the Outbox, Errors and Conflicts views: frozen DTOs in, cells out.

Each holds a plain list the owner replaces (``set_items``) after reading it on the DB worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.sync.dtos import ConflictView, OutboxItem, OutboxState
from desktop_app.views.sync.status_text import day_time, value_text

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex
Item = TypeVar("Item")

STATE_COLOURS = {
    OutboxState.PENDING: "#1a5fc4",
    OutboxState.APPLIED: "#1e7b34",
    OutboxState.REJECTED: "#b42318",
    OutboxState.CONFLICT: "#9a5a00",
    OutboxState.DISCARDED: "#52606d",
}


@dataclass(frozen=True)
class Column(Generic[Item]):
    title: str
    text: Callable[[Item], str]
    tooltip: Callable[[Item], str | None] | None = None


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


OUTBOX_COLUMNS: tuple[Column[OutboxItem], ...] = (
    Column("When", lambda i: day_time(i.created_at)),
    Column("What", lambda i: i.description, lambda i: i.description),
    Column("Incident", lambda i: i.incident_number or ""),
    Column("State", lambda i: i.state.label),
    Column("Error", lambda i: one_line(i.error_reason), lambda i: i.error_reason),
)

ERROR_COLUMNS: tuple[Column[OutboxItem], ...] = (
    Column("When", lambda i: day_time(i.created_at)),
    Column("What", lambda i: i.description, lambda i: i.description),
    Column("Incident", lambda i: i.incident_number or ""),
    Column("Reason", lambda i: one_line(i.error_reason), lambda i: i.error_reason),
    Column("Code", lambda i: i.error_code or ""),
)

CONFLICT_COLUMNS: tuple[Column[ConflictView], ...] = (
    Column("Incident", lambda c: c.incident_number or "(gone)"),
    Column("Title", lambda c: c.incident_title or "", lambda c: c.incident_title),
    Column("Field", lambda c: c.field.replace("_", " ")),
    Column("Won", lambda c: "Yours" if c.winner == "mine" else "Theirs"),
    Column("Now", lambda c: one_line(value_text(c.current)), lambda c: value_text(c.current)),
    Column("When", lambda c: day_time(c.created_at)),
)


class ItemTableModel(QAbstractTableModel, Generic[Item]):
    def __init__(self, columns: Sequence[Column[Item]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._items: list[Item] = []

    @property
    def items(self) -> list[Item]:
        return list(self._items)

    def set_items(self, items: Sequence[Item]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> Item | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items) or index.column() >= len(self._columns):
            return None
        item, column = self._items[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(item)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(item)
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(item, column)
        return None

    def _foreground(self, item: Item, column: Column[Item]) -> QBrush | None:
        state = getattr(item, "state", None)
        if column.title == "State" and isinstance(state, OutboxState):
            return QBrush(QColor(STATE_COLOURS[state]))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class OutboxTableModel(ItemTableModel[OutboxItem]):
    def __init__(self, columns: Sequence[Column[OutboxItem]] = OUTBOX_COLUMNS, parent: Any = None) -> None:
        super().__init__(columns, parent)


class ConflictTableModel(ItemTableModel[ConflictView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(CONFLICT_COLUMNS, parent)
