"""The outbox: every change made here, newest first; what waits to be sent, and what became of the rest."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.sync.dtos import OutboxItem, OutboxState
from desktop_app.sync.engine import SyncEngine
from desktop_app.views.sync.errors_view import error_text
from desktop_app.views.sync.item_models import OutboxTableModel
from desktop_app.views.sync.status_text import plural
from desktop_app.views.sync.view_dialog import make_table, select_first_row
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.error_banner import ErrorBanner

SHOWN_LIMIT = 1000
FILTERS: tuple[tuple[str, tuple[OutboxState, ...] | None], ...] = (
    ("Everything (the last 1,000 changes)", None),
    ("Waiting to be sent", (OutboxState.PENDING,)),
    ("Waiting or refused", (OutboxState.PENDING, OutboxState.REJECTED)),
)


class OutboxView(QWidget):
    loaded = Signal(int)

    def __init__(self, engine: SyncEngine, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxView")
        self._engine = engine
        self._runner = runner
        self.model = OutboxTableModel(parent=self)
        self.table = make_table(self.model, "outboxTable", stretch_column=4)
        self.filter = QComboBox(objectName="outboxFilter")
        for label, states in FILTERS:
            self.filter.addItem(label, states)
        self.refresh_button = QPushButton("&Refresh", objectName="outboxRefresh")
        self.refresh_button.setAutoDefault(False)
        self.summary = QLabel(objectName="outboxSummary")
        self.summary.setProperty("role", "muted")
        self.error = ErrorBanner()
        show = QLabel("&Show")
        show.setBuddy(self.filter)
        top = QHBoxLayout()
        top.addWidget(show)
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self.summary)
        top.addWidget(self.refresh_button)
        intro = QLabel(
            "Every change you make is kept here until the server has answered it. Nothing leaves this list "
            "silently: refused changes go to Errors, clashing edits to Conflicts."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self._on_filter_current_index_changed)
        self.refresh_button.clicked.connect(self.reload)

    def reload(self) -> None:
        states = self.filter.currentData()
        self._runner.run_db(self._engine.outbox, states, SHOWN_LIMIT, on_done=self._on_loaded, on_error=self._on_failed)

    def _on_filter_current_index_changed(self, _index: int) -> None:
        self.reload()

    def _on_loaded(self, items: list[OutboxItem]) -> None:
        self.error.clear()
        self.model.set_items(list(reversed(items)))  # newest first
        waiting = sum(1 for i in items if i.state == OutboxState.PENDING)
        self.summary.setText(f"{plural(len(items), 'change')} shown · {waiting:,} waiting to be sent")
        select_first_row(self.table)
        self.loaded.emit(len(items))

    def _on_failed(self, exc: Exception) -> None:
        self.error.show_message(error_text(exc))
