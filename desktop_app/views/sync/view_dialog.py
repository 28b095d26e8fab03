"""The window each sync view opens in (modeless, one per view), and the table the views share."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
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


def lay_out_list_and_detail(
    view: QWidget,
    *,
    intro: str,
    summary: QLabel,
    table: QTableView,
    detail_title: str,
    detail_parts: list[QWidget | QLayout],
    buttons: list[QPushButton],
    error: QWidget,
    stretch: tuple[int, int],
) -> QGroupBox:
    """The shape the Errors and Conflicts views share: why, how many, the list, the selected one."""
    intro_label = QLabel(intro)
    intro_label.setWordWrap(True)
    intro_label.setProperty("role", "muted")
    detail = QGroupBox(detail_title)
    detail_layout = QVBoxLayout(detail)
    for part in detail_parts:
        if isinstance(part, QLayout):
            detail_layout.addLayout(part)
        else:
            detail_layout.addWidget(part)
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        button.setAutoDefault(False)
        row.addWidget(button)
    detail_layout.addLayout(row)
    layout = QVBoxLayout(view)
    layout.addWidget(intro_label)
    layout.addWidget(summary)
    layout.addWidget(table, stretch[0])
    layout.addWidget(detail, stretch[1])
    layout.addWidget(error)
    return detail


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
