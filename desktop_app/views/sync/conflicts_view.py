"""The Conflicts inbox: fields someone else changed at the same time as you, with both values kept.

Per conflict: the value both started from, yours and theirs side by side, and which one the
incident holds now (the later change won). "Keep theirs" accepts their value; "Restore mine" puts
yours back as a new change, sent with the next sync. Either way the conflict leaves the inbox.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.sync.dtos import ConflictChoice, ConflictView
from desktop_app.sync.engine import SyncEngine
from desktop_app.views.sync.errors_view import Names, NamesSource, error_text
from desktop_app.views.sync.item_models import ConflictTableModel
from desktop_app.views.sync.status_text import plural, value_text
from desktop_app.views.sync.view_dialog import lay_out_list_and_detail, make_table, select_first_row
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.error_banner import ErrorBanner

SIDES = (("base", "Before (what both started from)"), ("mine", "Yours"), ("theirs", "Theirs"))
KEPT_STYLE = "QGroupBox { border: 2px solid #1e7b34; } QGroupBox::title { color: #1e7b34; }"


def _no_names() -> Names:
    return {}


class ConflictsView(QWidget):
    conflict_resolved = Signal(object)  # the resolved ConflictView
    loaded = Signal(int)

    def __init__(
        self,
        engine: SyncEngine,
        runner: TaskRunner,
        names: NamesSource = _no_names,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsView")
        self._engine = engine
        self._runner = runner
        self._names_source = names
        self._names: Names = {}
        self.model = ConflictTableModel(self)
        self.table = make_table(self.model, "conflictsTable", stretch_column=1)
        self.summary = QLabel(objectName="conflictsSummary")
        self.headline = QLabel(objectName="conflictHeadline")
        self.headline.setWordWrap(True)
        self.boxes: dict[str, QGroupBox] = {}
        self.values: dict[str, QPlainTextEdit] = {}
        sides = QHBoxLayout()
        for side, title in SIDES:
            box = QGroupBox(title, objectName=f"conflict_{side}_box")
            text = QPlainTextEdit(objectName=f"conflict_{side}")
            text.setReadOnly(True)
            text.setTabChangesFocus(True)
            text.setMinimumHeight(70)
            QVBoxLayout(box).addWidget(text)
            sides.addWidget(box)
            self.boxes[side], self.values[side] = box, text
        self.keep_theirs_button = QPushButton("Keep &theirs", objectName="conflictKeepTheirs")
        self.restore_mine_button = QPushButton("Restore &mine", objectName="conflictRestoreMine")
        self.error = ErrorBanner()
        self.detail = lay_out_list_and_detail(
            self,
            intro="You and someone else changed the same field before either of you synced. The later change won; "
            "the other is kept here. Keep theirs, or restore yours.",
            summary=self.summary,
            table=self.table,
            detail_title="Selected conflict",
            detail_parts=[self.headline, sides],
            buttons=[self.keep_theirs_button, self.restore_mine_button],
            error=self.error,
            stretch=(2, 3),
        )
        self._connect_signals()
        self._show_selected(None)

    def _connect_signals(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.keep_theirs_button.clicked.connect(self._on_keep_theirs_button_clicked)
        self.restore_mine_button.clicked.connect(self._on_restore_mine_button_clicked)

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        engine, names = self._engine, self._names_source
        self._runner.run_db(lambda: (engine.conflicts(), names()), on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, found: tuple[list[ConflictView], Names]) -> None:
        conflicts, self._names = found
        keep = self.selected()
        self.model.set_items(conflicts)
        self.summary.setText(plural(len(conflicts), "open conflict") if conflicts else "No open conflicts.")
        row = next((r for r, c in enumerate(conflicts) if keep and c.id == keep.id), None)
        if row is not None:
            self.table.selectRow(row)
        else:
            select_first_row(self.table)
        self._show_selected(self.selected())
        self.loaded.emit(len(conflicts))

    def _on_failed(self, exc: Exception) -> None:
        self.error.show_message(error_text(exc))

    # --- the selected conflict -----------------------------------------------------------

    def selected(self) -> ConflictView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected(self.selected())

    def _text(self, value: Any) -> str:
        return self._names.get(str(value), value_text(value)) if value is not None else value_text(value)

    def _show_selected(self, conflict: ConflictView | None) -> None:
        self.error.clear()
        self.detail.setEnabled(conflict is not None)
        if conflict is None:
            self.headline.setText("Select a conflict to compare the values.")
            for side, title in SIDES:
                self.boxes[side].setTitle(title)
                self.boxes[side].setStyleSheet("")
                self.values[side].setPlainText("")
            return
        field = conflict.field.replace("_", " ")
        who = "Your change won" if conflict.winner == "mine" else "Their change won"
        number = html.escape(conflict.incident_number or "An incident")
        title = html.escape(conflict.incident_title or "")
        self.headline.setText(
            f"<b>{number}</b> {title} · <b>{html.escape(field)}</b>: {who}; the incident holds it now."
        )
        for side, title in SIDES:
            kept = side == conflict.winner
            self.boxes[side].setTitle(f"{title} (kept)" if kept else title)
            self.boxes[side].setStyleSheet(KEPT_STYLE if kept else "")
            self.values[side].setPlainText(self._text(getattr(conflict, side)))

    # --- actions -------------------------------------------------------------------------

    def _on_keep_theirs_button_clicked(self) -> None:
        self._resolve("keep_theirs")

    def _on_restore_mine_button_clicked(self) -> None:
        self._resolve("restore_mine")

    def _resolve(self, choice: ConflictChoice) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        self._runner.run_db(
            self._engine.resolve_conflict, conflict.id, choice, on_done=self._on_resolved, on_error=self._on_failed
        )

    def _on_resolved(self, conflict: ConflictView) -> None:
        self.conflict_resolved.emit(conflict)
        self.reload()
