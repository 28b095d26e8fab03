"""The window each sync view opens in (modeless, one per view), and the table the views share."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

MAX_COLUMN_WIDTH = 420


def make_table(model: QAbstractItemModel, name: str, stretch_column: int) -> QTableView:
    table = QTableView(objectName=name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    header.setMaximumSectionSize(MAX_COLUMN_WIDTH)  # a long text is elided (its tooltip has it all)
    header.setHighlightSections(False)
    return table


def select_first_row(table: QTableView) -> None:
    model = table.model()
    if model.rowCount() and not table.selectionModel().hasSelection():
        table.selectRow(0)


class ViewDialog(QDialog):
    """Holds one view; Escape or Close hides it, so it opens again where it was, as it was."""

    def __init__(self, view: QWidget, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.view = view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("F5"), self, activated=self._on_refresh_shortcut_activated)

    def _on_refresh_shortcut_activated(self) -> None:
        reload = getattr(self.view, "reload", None)
        if reload is not None:
            reload()

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
