"""The questions a status change asks, shared by the status dialog (one incident) and the bulk dialog.

On Hold asks for a reason; Resolve for a resolution code and notes; Close also for the root cause
(category and text) and whether the reporter was told, or why not. Which rows show for which target
lives here once; the rules themselves are the domain's (``domain/closure_rules``, checked again by
the service and the server).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QPlainTextEdit

from desktop_app.domain.bulk import RESOLUTION_FIELDS
from desktop_app.domain.closure_rules import DOCUMENTATION_FIELDS, RESOLUTION_CODES, ROOT_CAUSE_CATEGORIES
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import HoldReason, Status

RESOLVE_FIELDS = ("resolution_code", "resolution_steps")
CLOSE_FIELDS = (
    *RESOLVE_FIELDS,
    "root_cause_category",
    "root_cause",
    "reporter_informed",
    "reporter_not_informed_reason",
)


class StatusQuestions:
    """The widgets, added as rows of ``form``; ``detail`` pre-fills them (one incident), ``many``
    words them for a selection, where a blank answer keeps what each incident holds."""

    def __init__(self, form: QFormLayout, detail: IncidentDetail | None = None, *, many: bool = False) -> None:
        self.form = form
        first = "– keep each incident's own –" if many else "– choose –"
        own = " (blank: each incident's own)" if many else ""
        self.hold_reason = QComboBox(objectName="holdReason")
        for reason in HoldReason:
            self.hold_reason.addItem(reason.label, reason)
        self.resolution_code = _combo("resolutionCode", RESOLUTION_CODES, detail and detail.resolution_code, first)
        self.steps = QPlainTextEdit(detail.resolution_steps or "" if detail else "", objectName="resolutionSteps")
        self.steps.setTabChangesFocus(True)
        self.steps.setFixedHeight(64 if many else 80)
        self.steps.setPlaceholderText(f"What was done: the steps taken{own}")
        self.cause_category = _combo(
            "rootCauseCategory", ROOT_CAUSE_CATEGORIES, detail and detail.root_cause_category, first
        )
        self.root_cause = QLineEdit(detail.root_cause or "" if detail else "", objectName="rootCause")
        self.root_cause.setPlaceholderText(f"Why it happened{own}")
        label = "The reporters were &informed" if many else "The reporter was &informed"
        self.informed = QCheckBox(label, objectName="reporterInformed")
        self.informed.setChecked(bool(detail.reporter_informed) if detail else True)
        reason = detail.reporter_not_informed_reason or "" if detail else ""
        self.not_informed_reason = QLineEdit(reason, objectName="notInformedReason")
        self.not_informed_reason.setPlaceholderText("If not: why not (left the company, unreachable…)")
        form.addRow("On-hold &reason", self.hold_reason)
        form.addRow("Resolution &code", self.resolution_code)
        form.addRow("Resolution &notes", self.steps)
        form.addRow("Root cause cate&gory", self.cause_category)
        form.addRow("Root ca&use", self.root_cause)
        form.addRow("", self.informed)
        form.addRow("Not informed &because", self.not_informed_reason)
        self.informed.toggled.connect(lambda _checked: self.show_for(self._target))
        self._target: Status | None = None

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever any answer changes."""
        for combo in (self.hold_reason, self.resolution_code, self.cause_category):
            combo.currentIndexChanged.connect(lambda _index: callback())
        for edit in (self.root_cause, self.not_informed_reason):
            edit.textChanged.connect(lambda _text: callback())
        self.steps.textChanged.connect(callback)
        self.informed.toggled.connect(lambda _checked: callback())

    def show_for(self, target: Status | None) -> None:
        """Show only the rows ``target`` asks about."""
        self._target = target
        closing = target == Status.CLOSED
        self.form.setRowVisible(self.hold_reason, target == Status.ON_HOLD)
        for widget in (self.resolution_code, self.steps):
            self.form.setRowVisible(widget, target in (Status.RESOLVED, Status.CLOSED))
        for widget in (self.cause_category, self.root_cause, self.informed):
            self.form.setRowVisible(widget, closing)
        self.form.setRowVisible(self.not_informed_reason, closing and not self.informed.isChecked())

    def documentation(self) -> dict[str, object]:
        """Every closure answer as given (the status dialog lists what Close still lacks from it)."""
        informed = self.informed.isChecked()
        return {
            "resolution_code": self.resolution_code.currentData(),
            "resolution_steps": self.steps.toPlainText(),
            "root_cause_category": self.cause_category.currentData(),
            "root_cause": self.root_cause.text(),
            "reporter_informed": informed,
            "reporter_not_informed_reason": None if informed else self.not_informed_reason.text(),
        }

    def answers_for(self, target: Status | None) -> dict[str, object]:
        """What ``target`` needs, as keyword arguments for ``IncidentService.change_status``."""
        if target == Status.ON_HOLD:
            return {"hold_reason": HoldReason(str(self.hold_reason.currentData()))}
        documentation = self.documentation()
        names = {Status.RESOLVED: RESOLUTION_FIELDS, Status.CLOSED: DOCUMENTATION_FIELDS}.get(target, ())  # type: ignore[arg-type]
        return {name: documentation[name] for name in names}


def _combo(name: str, choices: dict[str, str], current: str | None, first: str) -> QComboBox:
    """A list of (value, label) pairs after an empty first entry (nothing chosen: a visible gap, or keep)."""
    combo = QComboBox(objectName=name)
    combo.addItem(first, None)
    for value, label in choices.items():
        combo.addItem(label, value)
    if current is not None:
        index = combo.findData(current)
        if index < 0:  # a code from before the list (or another deployment's): keep it, labelled as it is
            combo.addItem(current, current)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
    return combo
