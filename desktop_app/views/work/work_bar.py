"""The detail pane's workflow buttons and the worklog options beside the note composer."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import Status
from desktop_app.domain.status_machine import TRANSITIONS, is_read_only
from sync_protocol.workflow_rules import TIME_SPENT_MAX_MINUTES

# (id, text): the ids are those of the matching actions in views/actions.py.
BUTTONS = (
    ("take_it", "Take it"),
    ("escalate", "Escalate…"),
    ("workaround", "Workaround…"),
    ("resolve", "Resolve…"),
    ("close_incident", "Close…"),
    ("reopen", "Reopen…"),
    ("similar", "Similar…"),
    ("reply", "Reply…"),
)


def enabled_work(detail: IncidentDetail | None) -> dict[str, bool]:
    """Which workflow actions make sense for this incident now (the services still check everything)."""
    if detail is None:
        return {key: False for key, _ in BUTTONS}
    writable = not is_read_only(detail.status)
    targets = TRANSITIONS[detail.status]
    return {
        "take_it": writable,
        "escalate": writable,
        "workaround": writable,
        "resolve": Status.RESOLVED in targets,
        "close_incident": Status.CLOSED in targets,
        "reopen": detail.status in (Status.RESOLVED, Status.CLOSED),
        "similar": True,
        "reply": writable,
    }


class WorkBar(QWidget):
    triggered = Signal(str)  # the action id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        # Two rows of four: the detail pane is often narrow.
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(4)
        for index, (key, text) in enumerate(BUTTONS):
            button = QPushButton(text, objectName=f"work_{key}")
            button.clicked.connect(lambda _checked=False, key=key: self.triggered.emit(key))
            self.buttons[key] = button
            layout.addWidget(button, index // 4, index % 4)

    def show_incident(self, detail: IncidentDetail | None) -> None:
        for key, enabled in enabled_work(detail).items():
            self.buttons[key].setEnabled(enabled)


class WorklogOptions(QWidget):
    """Minutes spent and whether the reporter may see the entry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minutes = QSpinBox(objectName="noteMinutes")
        self.minutes.setRange(0, TIME_SPENT_MAX_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setToolTip("Time spent on this entry (0: not counted)")
        self.visible = QCheckBox("Visible to the reporter", objectName="noteVisible")
        label = QLabel("Time spent")
        label.setBuddy(self.minutes)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.minutes)
        layout.addWidget(self.visible)
        layout.addStretch(1)

    def values(self) -> tuple[int | None, str]:
        return (self.minutes.value() or None, "visible" if self.visible.isChecked() else "internal")

    def reset(self) -> None:
        self.minutes.setValue(0)
        self.visible.setChecked(False)
