"""While a call is logged: open or recent incidents like the one being typed, and matching known errors.

Quiet until the description has a few words; looked up on the DB worker after a pause in typing.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.domain.similarity import search_terms

PAUSE_MS = 400
MIN_TERMS = 2


class SimilarHints(QLabel):
    def __init__(self, context: Any, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarHints")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#similarHints { color: #37474f; background: #fff8e1; padding: 4px 6px; }")
        self._context = context
        self._runner = runner
        self._source: Any = None
        self._asked: tuple[str, str, object] | None = None
        self._timer = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._timer.timeout.connect(self.refresh_now)
        self.hide()

    def watch(self, dialog: Any) -> None:
        """Follow a new-incident dialog's description, title and category."""
        self._source = dialog
        dialog.description.textChanged.connect(self._timer.start)
        dialog.title_field.textChanged.connect(self._timer.start)

    def refresh_now(self) -> None:
        dialog = self._source
        if dialog is None:
            return
        title, description = dialog.title_field.text(), dialog.description.toPlainText()
        category = getattr(dialog, "_category", None)
        category_id = category.id if category is not None else None
        asked = (title, description, category_id)
        if asked == self._asked:
            return
        self._asked = asked
        if len(search_terms(title, description)) < MIN_TERMS:
            self.hide()
            return
        workflow = self._context.workflow

        def look() -> tuple[list, list]:
            similar = workflow.similar.similar_text(title, description, category_id=category_id, limit=3)
            known = workflow.knowledge.search(f"{title} {description}", category_id=category_id, limit=2)
            return similar, known

        self._runner.run_db(look, on_done=lambda found: self._show(asked, *found))

    def _show(self, asked: tuple[str, str, object], similar: list, known: list) -> None:
        if asked != self._asked:
            return  # typed on since: a newer answer is coming
        lines = [
            f"<b>Similar:</b> {html.escape(s.display_number)} {html.escape(s.title)} ({s.status.label.lower()})"
            + (f" — workaround: {html.escape(s.workaround)}" if s.workaround else "")
            for s in similar
        ]
        lines += [f"<b>Known error:</b> {html.escape(k.symptom)} → {html.escape(k.workaround)}" for k in known]
        self.setText("<br>".join(lines))
        self.setVisible(bool(lines))
