"""The category tree with open counts (descendants included), for the queue's sidebar."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop_app.domain.dtos import CategoryNode

CATEGORY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY_NODE_ROLE = Qt.ItemDataRole.UserRole + 2  # the CategoryNode (None on "All categories")
ALL_CATEGORIES = "All categories"
INACTIVE_COLOUR = QColor("#9e9e9e")
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass
class _Node:
    id: uuid.UUID | None
    name: str
    path: str
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    count: int = 0
    source: CategoryNode | None = None

    @property
    def is_active(self) -> bool:
        return self.source is None or self.source.is_active

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class CategoryTreeModel(QAbstractItemModel):
    """Column 0: the name; column 1: open incidents in it and under it. One root: all categories.

    Deactivated categories are hidden unless ``show_inactive`` (then greyed, to be reactivated); their
    open incidents still count in "All categories"."""

    def __init__(self) -> None:
        super().__init__()
        self._invisible = _Node(None, "", "", None)
        self._by_id: dict[uuid.UUID | None, _Node] = {}
        self._nodes: list[CategoryNode] = []
        self._counts: dict[uuid.UUID | None, int] = {}
        self.show_inactive = False

    def set_tree(self, nodes: list[CategoryNode], counts: dict[uuid.UUID | None, int]) -> None:
        """``nodes`` parents first (CategoryService.tree()); ``counts`` from category_open_counts()."""
        self._nodes = list(nodes)
        self.beginResetModel()
        self._invisible = _Node(None, "", "", None)
        root = _Node(None, ALL_CATEGORIES, "", self._invisible)
        self._invisible.children.append(root)
        self._by_id = {None: root}
        for node in nodes:
            if not node.is_active and not self.show_inactive:
                continue
            parent = self._by_id.get(node.parent_id, root)
            item = _Node(node.id, node.name, node.path, parent, source=node)
            parent.children.append(item)
            self._by_id[node.id] = item
        self.endResetModel()
        self.set_counts(counts)

    def set_show_inactive(self, show: bool) -> None:
        if show != self.show_inactive:
            self.show_inactive = show
            self.set_tree(self._nodes, self._counts)

    def nodes(self) -> list[CategoryNode]:
        """Every category the model was given (active or not), parents first."""
        return list(self._nodes)

    def set_counts(self, counts: dict[uuid.UUID | None, int]) -> None:
        self._counts = dict(counts)
        for category_id, node in self._by_id.items():
            if category_id is not None:
                node.count = counts.get(category_id, 0)
        root = self._by_id.get(None)
        if root is not None:
            # From every top-level category, hidden ones too: their incidents are still open.
            tops = [n.id for n in self._nodes if n.parent_id is None]
            root.count = sum(counts.get(top, 0) for top in tops) + counts.get(None, 0)
        if self._by_id:
            self.dataChanged.emit(self.index(0, 1), self.index(0, 1))
            self._emit_counts(root)

    def _emit_counts(self, node: _Node | None) -> None:
        if node is None or not node.children:
            return
        first, last = node.children[0], node.children[-1]
        self.dataChanged.emit(self.createIndex(0, 1, first), self.createIndex(len(node.children) - 1, 1, last))
        for child in node.children:
            self._emit_counts(child)

    def index_of(self, category_id: uuid.UUID | None) -> QModelIndex:
        node = self._by_id.get(category_id)
        return self.createIndex(node.row(), 0, node) if node is not None else QModelIndex()

    def path_of(self, category_id: uuid.UUID | None) -> str:
        node = self._by_id.get(category_id)
        return node.path if node is not None else ""

    def _node(self, index: AnyIndex) -> _Node:
        return index.internalPointer() if index.isValid() else self._invisible

    # --- Qt model API --------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if not (0 <= row < len(node.children) and 0 <= column < 2):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = index.internalPointer().parent
        if parent is None or parent is self._invisible:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section in (0, 1):
            return ("Category", "Open")[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name if index.column() == 0 else f"{node.count:,}"
        if role == CATEGORY_ID_ROLE:
            return node.id
        if role == CATEGORY_NODE_ROLE:
            return node.source
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            retired = " (deactivated: not offered for new incidents)" if not node.is_active else ""
            return f"{node.path or node.name}{retired}: {node.count:,} open, including the categories under it"
        if not node.is_active and role == Qt.ItemDataRole.ForegroundRole:
            return INACTIVE_COLOUR
        if not node.is_active and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        return None
