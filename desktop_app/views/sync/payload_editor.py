"""An editable copy of a refused field update's values, for "Fix and resend".

Text and number fields can be edited; references (``..._id``), times (``..._at``) and the derived
priority are shown as they are: those are fixed by editing the incident itself. ``changes()`` holds
only what was edited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop_app.domain.priority import LEVELS
from desktop_app.views.sync.status_text import value_text

NUMBER_RANGE = (-1_000_000_000, 1_000_000_000)
RANGES = {"impact": (min(LEVELS), max(LEVELS)), "urgency": (min(LEVELS), max(LEVELS))}
HIDDEN = frozenset({"note_id"})  # an id no person reads
DERIVED = frozenset({"priority"})  # follows impact × urgency; an override is set on the incident itself
Editor = QLineEdit | QSpinBox | QCheckBox


def is_editable(name: str, value: Any) -> bool:
    if name in DERIVED or name.endswith(("_id", "_at")):
        return False
    return value is None or isinstance(value, str | int | bool)


def editable_fields(payload: Mapping[str, Any]) -> list[str]:
    return [name for name, value in payload.items() if is_editable(name, value)]


def field_label(name: str) -> str:
    return name.removesuffix("_id").replace("_", " ").capitalize()


class PayloadEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payloadEditor")
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._original: dict[str, Any] = {}
        self.editors: dict[str, Editor] = {}

    def set_payload(
        self,
        payload: Mapping[str, Any],
        describe: Callable[[str, Any], str] | None = None,
        *,
        editable: bool = True,
    ) -> None:
        """``editable=False``: every value as text (what a refused reassignment or status change asked for)."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self._original = dict(payload)
        self.editors = {}
        for name, value in payload.items():
            if name in HIDDEN:
                continue
            if not editable or not is_editable(name, value):
                label = QLabel(describe(name, value) if describe else value_text(value))
                label.setWordWrap(True)
                self._form.addRow(field_label(name), label)
                continue
            editor = self._editor_for(name, value)
            self.editors[name] = editor
            self._form.addRow(f"{field_label(name)}", editor)

    @staticmethod
    def _editor_for(name: str, value: Any) -> Editor:
        if isinstance(value, bool):
            box = QCheckBox(objectName=f"fix_{name}")
            box.setChecked(value)
            return box
        if isinstance(value, int):
            spin = QSpinBox(objectName=f"fix_{name}")
            spin.setRange(*RANGES.get(name, NUMBER_RANGE))
            spin.setValue(value)
            return spin
        line = QLineEdit("" if value is None else str(value), objectName=f"fix_{name}")
        line.setClearButtonEnabled(True)
        return line

    def first_editor(self) -> Editor | None:
        return next(iter(self.editors.values()), None)

    def changes(self) -> dict[str, Any]:
        changed: dict[str, Any] = {}
        for name, editor in self.editors.items():
            original = self._original.get(name)
            if isinstance(editor, QCheckBox):
                value: Any = editor.isChecked()
            elif isinstance(editor, QSpinBox):
                value = editor.value()
            else:
                value = editor.text()
                if value == "" and original is None:
                    value = None
            if value != original:
                changed[name] = value
        return changed
