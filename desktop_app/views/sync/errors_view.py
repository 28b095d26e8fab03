"""Changes the server refused, each with its reason: fix and resend, or discard (after a confirmation).

A refusal already took the change back here. Resending makes it again as a new change (for a field
update, with the values as edited below), sent with the next sync; discarding gives it up for good
(it stays in the outbox's history). The engine does both; this view only asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from desktop_app.domain.errors import HelpdeskError
from desktop_app.sync.dtos import OutboxItem
from desktop_app.sync.engine import SyncEngine
from desktop_app.views.sync.item_models import ERROR_COLUMNS, OutboxTableModel
from desktop_app.views.sync.payload_editor import PayloadEditor, editable_fields
from desktop_app.views.sync.status_text import plural, value_text
from desktop_app.views.sync.view_dialog import lay_out_list_and_detail, make_table, select_first_row
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.error_banner import ErrorBanner

Names = dict[str, str]
# Refused changes whose values are shown (a new incident's every field would drown the reason).
SHOWN_PAYLOADS = frozenset(
    {"update_fields", "reassign", "change_status", "add_note", "update_agent", "escalate", "save_knowledge"}
)
NamesSource = Callable[[], Names]


def _no_names() -> Names:
    return {}


def error_text(exc: Exception) -> str:
    return exc.message if isinstance(exc, HelpdeskError) else f"Unexpected error: {exc}"


class ErrorsView(QWidget):
    entry_resent = Signal(object)  # the new OutboxItem
    entry_discarded = Signal(object)  # the discarded OutboxItem
    loaded = Signal(int)  # how many refused changes are shown

    def __init__(
        self,
        engine: SyncEngine,
        runner: TaskRunner,
        names: NamesSource = _no_names,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("errorsView")
        self._engine = engine
        self._runner = runner
        self._names_source = names
        self._names: Names = {}
        self.model = OutboxTableModel(ERROR_COLUMNS, self)
        self.table = make_table(self.model, "errorsTable", stretch_column=3)
        self.summary = QLabel(objectName="errorsSummary")
        self.reason = QLabel(objectName="errorsReason")
        self.reason.setWordWrap(True)
        self.reason.setProperty("role", "error")
        self.hint = QLabel(objectName="errorsHint")
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "muted")
        self.editor = PayloadEditor()
        self.resend_button = QPushButton("Fix and &resend", objectName="errorsResend")
        self.discard_button = QPushButton("&Discard…", objectName="errorsDiscard")
        self.error = ErrorBanner()
        self.detail = lay_out_list_and_detail(
            self,
            intro="The server refused these changes, so they were taken back here. "
            "Fix and send one again, or discard it.",
            summary=self.summary,
            table=self.table,
            detail_title="Selected change",
            detail_parts=[self.reason, self.hint, self.editor],
            buttons=[self.resend_button, self.discard_button],
            error=self.error,
            stretch=(3, 2),
        )
        self._connect_signals()
        self._show_selected(None)

    def _connect_signals(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.resend_button.clicked.connect(self._on_resend_button_clicked)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        engine, names = self._engine, self._names_source
        self._runner.run_db(lambda: (engine.errors(), names()), on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, found: tuple[list[OutboxItem], Names]) -> None:
        items, self._names = found
        keep = self.selected()
        self.model.set_items(list(reversed(items)))  # newest first
        self.summary.setText(plural(len(items), "refused change") if items else "No refused changes.")
        row = next((r for r, i in enumerate(self.model.items) if keep and i.id == keep.id), None)
        if row is not None:
            self.table.selectRow(row)
        else:
            select_first_row(self.table)
        self._show_selected(self.selected())
        self.loaded.emit(len(items))

    def _on_failed(self, exc: Exception) -> None:
        self.error.show_message(error_text(exc))

    # --- the selected change -------------------------------------------------------------

    def selected(self) -> OutboxItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected(self.selected())

    def _describe(self, _name: str, value: Any) -> str:
        return self._names.get(str(value), value_text(value)) if value is not None else value_text(value)

    def _show_selected(self, item: OutboxItem | None) -> None:
        self.error.clear()
        self.detail.setEnabled(item is not None)
        if item is None:
            self.reason.setText("Select a refused change to see why, and to fix or discard it.")
            self.hint.hide()
            self.editor.set_payload({})
            self.editor.hide()
            return
        self.reason.setText(f"{item.description}: {item.error_reason or 'refused'} ({item.error_code or '?'})")
        fixable = item.name == "update_fields" and bool(editable_fields(item.payload))
        shown = item.payload if item.name in SHOWN_PAYLOADS else {}
        self.editor.set_payload(shown, self._describe, editable=fixable)
        if fixable:
            self.hint.setText("Edit the values, then send the change again:")
            self.resend_button.setText("Fix and &resend")
        else:
            asked = "It asked for:" if shown else ""
            self.hint.setText(f"This change is sent again as it was made; the server decides again. {asked}")
            self.resend_button.setText("&Resend")
        self.hint.show()
        self.editor.setVisible(bool(shown))

    # --- actions -------------------------------------------------------------------------

    def _on_resend_button_clicked(self) -> None:
        item = self.selected()
        if item is None:
            return
        changes = self.editor.changes() if item.name == "update_fields" else {}
        self._runner.run_db(
            self._engine.resend, item.id, changes or None, on_done=self._on_resent, on_error=self._on_failed
        )

    def _on_resent(self, item: OutboxItem) -> None:
        self.entry_resent.emit(item)
        self.reload()

    def _on_discard_button_clicked(self) -> None:
        item = self.selected()
        if item is None:
            return
        answer = QMessageBox.question(
            self,
            "Discard this change?",
            f"{item.description}\n\nThe server refused it: {item.error_reason or 'no reason given'}\n\n"
            "Discarding gives it up for good: it is not sent again. It stays in the outbox's history.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return
        self._runner.run_db(self._engine.discard, item.id, on_done=self._on_discarded, on_error=self._on_failed)

    def _on_discarded(self, item: OutboxItem) -> None:
        self.entry_discarded.emit(item)
        self.reload()
