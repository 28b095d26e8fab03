"""Ctrl+K: every action of the window and every queue view, found by typing part of its name."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout, QWidget

RUN_ROLE = Qt.ItemDataRole.UserRole + 1


class CommandPalette(QDialog):
    def __init__(self, entries: list[tuple[str, str, Callable[[], None]]], parent: QWidget | None = None) -> None:
        """``entries``: (label, detail such as the shortcut, what to run)."""
        super().__init__(parent)
        self.setWindowTitle("Command palette")
        self.setObjectName("commandPalette")
        self.resize(520, 420)
        self.source = QStandardItemModel(self)
        for label, detail, run in entries:
            item = QStandardItem(f"{label}    {detail}" if detail else label)
            item.setData(run, RUN_ROLE)
            item.setEditable(False)
            self.source.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.input = QLineEdit(objectName="paletteInput")
        self.input.setPlaceholderText("Type an action or a view…")
        self.list = QListView(objectName="paletteList")
        self.list.setModel(self.proxy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.list)
        self.input.textChanged.connect(self._on_text_changed)
        self.input.returnPressed.connect(self.run_current)
        self.list.activated.connect(lambda _index: self.run_current())
        self._on_text_changed("")

    def _on_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.list.currentIndex().row() + step, self.proxy.rowCount() - 1))
            self.list.setCurrentIndex(self.proxy.index(row, 0))
            return
        super().keyPressEvent(event)

    def run_current(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid():
            return
        run = index.data(RUN_ROLE)
        self.accept()
        run()


def action_entries(actions: dict[str, QAction]) -> list[tuple[str, str, Callable[[], None]]]:
    entries = []
    for action in actions.values():
        label = action.text().replace("&", "").rstrip("…")
        entries.append((label, action.shortcut().toString(), action.trigger))
    return entries
