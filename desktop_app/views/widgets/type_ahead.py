"""A line edit with a keyboard-driven suggestion list: type, arrows to choose, Enter to accept.

Written instead of QCompleter because suggestions come back asynchronously from the database,
carry a second line of detail (e-mail, phone, department), and the first one must be
preselected so a single Enter accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


@dataclass(frozen=True)
class Suggestion:
    key: object
    text: str
    detail: str = ""
    fill: str | None = None  # what the field shows once accepted, when not ``text``


class _Popup(QFrame):
    """A frameless list shown under the field; it never takes the keyboard focus."""

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("typeAheadPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.list)


class TypeAheadLineEdit(QLineEdit):
    query_changed = Signal(str)  # debounced text for the owner to look up
    suggestion_accepted = Signal(object)  # Suggestion
    selection_cleared = Signal()  # the text was edited after a suggestion was accepted

    def __init__(self, parent: QWidget | None = None, *, debounce_ms: int = 60, objectName: str = "") -> None:  # noqa: N803 - Qt's spelling
        super().__init__(parent)
        self.setObjectName(objectName)
        self._popup = _Popup(self)
        self._suggestions: list[Suggestion] = []
        self._accepted: Suggestion | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.textEdited.connect(self._on_self_text_edited)
        self._debounce.timeout.connect(lambda: self.query_changed.emit(self.text()))
        self._popup.list.itemClicked.connect(lambda item: self._accept_row(self._popup.list.row(item)))

    # --- public ------------------------------------------------------------------------

    @property
    def accepted(self) -> Suggestion | None:
        return self._accepted

    def set_suggestions(self, suggestions: list[Suggestion], for_query: str | None = None) -> None:
        """Show suggestions; results for a query the user has since changed are dropped."""
        if for_query is not None and for_query != self.text():
            return
        self._suggestions = suggestions
        lst = self._popup.list
        lst.clear()
        for suggestion in suggestions:
            label = suggestion.text if not suggestion.detail else f"{suggestion.text}    {suggestion.detail}"
            item = QListWidgetItem(label)
            item.setToolTip(suggestion.detail)
            lst.addItem(item)
        if suggestions and self._is_focus_field():
            lst.setCurrentRow(0)
            self._show_popup()
        else:
            self._popup.hide()

    def set_accepted(self, suggestion: Suggestion | None) -> None:
        self._accepted = suggestion
        if suggestion is not None:
            self.setText(suggestion.fill if suggestion.fill is not None else suggestion.text)
        self._popup.hide()

    def _is_focus_field(self) -> bool:
        # The window's focus widget, even while another window (a popup, a test harness) is active.
        return self.isVisible() and (self.hasFocus() or self.window().focusWidget() is self)

    def popup_visible(self) -> bool:
        return self._popup.isVisible()

    def current_suggestions(self) -> list[Suggestion]:
        return list(self._suggestions)

    # --- behaviour -----------------------------------------------------------------------

    def _on_self_text_edited(self, _text: str) -> None:
        if self._accepted is not None:
            self._accepted = None
            self.selection_cleared.emit()
        self._debounce.start()

    def flush_query(self) -> None:
        """Look up the current text now (tests and Enter before the debounce fired)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.query_changed.emit(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.flush_query()
            if self._popup.isVisible() and self._popup.list.currentRow() >= 0:
                # Enter accepts and moves on, like Tab: one key per field.
                self._accept_row(self._popup.list.currentRow())
                self.focusNextChild()
                event.accept()
                return
        if self._popup.isVisible():
            lst = self._popup.list
            if key == Qt.Key.Key_Down:
                lst.setCurrentRow(min(lst.currentRow() + 1, lst.count() - 1))
                return
            if key == Qt.Key.Key_Up:
                lst.setCurrentRow(max(lst.currentRow() - 1, 0))
                return
            if key == Qt.Key.Key_Escape:
                self._popup.hide()
                event.accept()
                return
        elif key == Qt.Key.Key_Down and self._suggestions:
            self._popup.list.setCurrentRow(0)
            self._show_popup()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QEvent) -> None:
        self._popup.hide()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        # Tab accepts the highlighted suggestion, then moves on as usual.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and self._popup.isVisible()
            and self._popup.list.currentRow() >= 0
        ):
            self._accept_row(self._popup.list.currentRow())
        return super().event(event)

    def _accept_row(self, row: int) -> None:
        if not 0 <= row < len(self._suggestions):
            return
        suggestion = self._suggestions[row]
        self.set_accepted(suggestion)
        self.suggestion_accepted.emit(suggestion)

    def _show_popup(self) -> None:
        rows = min(self._popup.list.count(), 8)
        row_height = max(self._popup.list.sizeHintForRow(0), 18)
        self._popup.resize(max(self.width(), 360), rows * row_height + 6)
        self._popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self._popup.show()
        self._popup.raise_()
