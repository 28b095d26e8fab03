"""The queue's filter bar: status, priority, channel, group, assignee, reporter, dates, drills.

It edits the filter part of a ``QueueQuery`` (``apply_to``) and shows a saved view's (``show``);
``changed`` fires on every edit, and the navigation reloads the queue.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import AgentSummary, GroupSummary
from desktop_app.domain.enums import Channel, Priority, Status
from desktop_app.domain.queue_filter import OPEN_STATUSES, QueueQuery

ANY = "any"
CUSTOM = "custom"
ABSOLUTE = "between"
# Date presets: (label, days back the range starts at, days back it ends at).
DATE_PRESETS = (
    ("Any time", None, None),
    ("Last 24 hours", 1, None),
    ("Last 7 days", 7, None),
    ("Last 30 days", 30, None),
    ("Older than 30 days", None, 30),
)


class ChoiceButton(QToolButton):
    """A drop-down of checkable choices; none checked means "any"."""

    changed = Signal()

    def __init__(self, label: str, choices: list[tuple[str, object]], object_name: str) -> None:
        super().__init__(objectName=object_name)
        self._label = label
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self._actions = []
        for text, value in choices:
            action = self.menu_.addAction(text)
            action.setCheckable(True)
            action.setData(value)
            action.toggled.connect(self._on_toggled)
            self._actions.append(action)
        self._refresh_text()

    def values(self) -> list[object]:
        return [action.data() for action in self._actions if action.isChecked()]

    def set_values(self, values: list[object]) -> None:
        for action in self._actions:
            action.blockSignals(True)
            action.setChecked(action.data() in values)
            action.blockSignals(False)
        self._refresh_text()

    def _on_toggled(self, _checked: bool) -> None:
        self._refresh_text()
        self.changed.emit()

    def _refresh_text(self) -> None:
        chosen = [action.text() for action in self._actions if action.isChecked()]
        shown = "any" if not chosen else (chosen[0] if len(chosen) == 1 else f"{len(chosen)} chosen")
        self.setText(f"{self._label}: {shown}")


class QueueFilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = ChoiceButton(
            "Status", [("Open (any)", "open"), *((s.label, s.value) for s in Status)], "filterStatus"
        )
        self.priority = ChoiceButton("Priority", [(p.label, p.value) for p in Priority], "filterPriority")
        self.channel = ChoiceButton("Channel", [(c.label, c.value) for c in Channel], "filterChannel")
        self.group = QComboBox(objectName="filterGroup")
        self.assignee = QComboBox(objectName="filterAssignee")
        self.reporter = QLineEdit(objectName="filterReporter")
        self.reporter.setPlaceholderText("Reporter")
        self.reporter.setClearButtonEnabled(True)
        self.reporter.setFixedWidth(170)
        self.created = QComboBox(objectName="filterCreated")
        self.updated = QComboBox(objectName="filterUpdated")
        for combo, prefix in ((self.created, "Created"), (self.updated, "Updated")):
            for label, start, end in DATE_PRESETS:
                combo.addItem(f"{prefix}: {label.lower()}" if start or end else f"{prefix}: any time", (start, end))
            combo.addItem(f"{prefix}: between dates…", CUSTOM)
            combo.setProperty("previous_index", 0)
            combo.activated.connect(lambda index, c=combo, name=prefix: self._on_date_chosen(c, name, index))
        self.drill = QComboBox(objectName="filterDrill")
        for label, value in (("Drills: included", None), ("Drills only", True), ("No drills", False)):
            self.drill.addItem(label, value)
        self.set_people([], [])
        for combo in (self.group, self.assignee, self.created, self.updated, self.drill):
            # Compact: the bar must fit beside the detail pane; the full text is in the list.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(11)
        # Two rows, so the queue fits beside the detail pane on a 1600-pixel screen.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widgets in (
            (self.status, self.priority, self.channel, self.group, self.assignee),
            (self.reporter, self.created, self.updated, self.drill),
        ):
            row = QHBoxLayout()
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
        for button in (self.status, self.priority, self.channel):
            button.changed.connect(self.changed)
        for combo in (self.group, self.assignee, self.drill):
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.reporter.returnPressed.connect(self.changed)

    def set_people(self, groups: list[GroupSummary], agents: list[AgentSummary]) -> None:
        self.agents = list(agents)
        for combo in (self.group, self.assignee):
            combo.blockSignals(True)
            combo.clear()
        self.group.addItem("Group: any", None)
        for group in groups:
            self.group.addItem(f"Group: {group.name}", str(group.id))
        self.assignee.addItem("Assignee: anyone", None)
        self.assignee.addItem("Assignee: me", "me")
        self.assignee.addItem("Assignee: unassigned", "none")
        for agent in agents:
            self.assignee.addItem(f"Assignee: {agent.name}", str(agent.id))
        for combo in (self.group, self.assignee):
            combo.blockSignals(False)

    def _on_date_chosen(self, combo: QComboBox, prefix: str, index: int) -> None:
        if combo.itemData(index) == CUSTOM:
            chosen = ask_date_range(self, f"{prefix} between")
            if chosen is None:
                _set_index(combo, int(combo.property("previous_index") or 0))
                return
            _show_range(combo, prefix, *chosen)
        combo.setProperty("previous_index", combo.currentIndex())
        self.changed.emit()

    def apply_to(self, query: QueueQuery, now: datetime | None = None) -> QueueQuery:
        """The query with this bar's filters (everything else kept)."""
        now = now or datetime.now(UTC)
        statuses = [str(v) for v in self.status.values()]
        chosen = {s for s in Status if s.value in statuses}
        if "open" in statuses:
            chosen |= set(OPEN_STATUSES)
        assignee = self.assignee.currentData()
        group = self.group.currentData()
        created_from, created_to = _range(self.created.currentData(), now)
        updated_from, updated_to = _range(self.updated.currentData(), now)
        return query.with_changes(
            statuses=tuple(s for s in Status if s in chosen),
            priorities=tuple(Priority(str(v)) for v in self.priority.values()),
            channels=tuple(Channel(str(v)) for v in self.channel.values()),
            group_ids=(uuid.UUID(group),) if group else (),
            assigned_to_me=assignee == "me",
            unassigned=assignee == "none",
            assignee_ids=(uuid.UUID(assignee),) if assignee not in (None, "me", "none") else (),
            reporter=self.reporter.text().strip(),
            created_from=created_from,
            created_to=created_to,
            updated_from=updated_from,
            updated_to=updated_to,
            drill=self.drill.currentData(),
        )

    def show(self, query: QueueQuery) -> None:
        """Reflect a query's filters without firing ``changed``."""
        self.blockSignals(True)
        try:
            statuses = {s.value for s in query.statuses}
            if set(OPEN_STATUSES) == set(query.statuses):
                statuses = {"open"}
            self.status.set_values(sorted(statuses))
            self.priority.set_values([p.value for p in query.priorities])
            self.channel.set_values([c.value for c in query.channels])
            _select(self.group, str(query.group_ids[0]) if query.group_ids else None)
            if query.assigned_to_me:
                assignee: str | None = "me"
            elif query.unassigned:
                assignee = "none"
            else:
                assignee = str(query.assignee_ids[0]) if query.assignee_ids else None
            _select(self.assignee, assignee)
            self.reporter.setText(query.reporter)
            _show_range(self.created, "Created", query.created_from, query.created_to)
            _show_range(self.updated, "Updated", query.updated_from, query.updated_to)
            _select(self.drill, query.drill)
        finally:
            self.blockSignals(False)
        super().show()


def _select(combo: QComboBox, value: object) -> None:
    combo.blockSignals(True)
    index = next((n for n in range(combo.count()) if combo.itemData(n) == value), 0)
    combo.setCurrentIndex(index)
    combo.blockSignals(False)


def _set_index(combo: QComboBox, index: int) -> None:
    combo.blockSignals(True)
    combo.setCurrentIndex(index)
    combo.blockSignals(False)


def _show_range(combo: QComboBox, prefix: str, start: datetime | None, end: datetime | None) -> None:
    """Select "any time", or a "between" item holding these dates (a saved view's range)."""
    for index in range(combo.count() - 1, -1, -1):
        data = combo.itemData(index)
        if isinstance(data, tuple) and data and data[0] == ABSOLUTE:
            combo.removeItem(index)
    if start is None and end is None:
        _set_index(combo, 0)
        return
    label = f"{prefix}: {start.date() if start else '…'} – {end.date() if end else '…'}"
    combo.insertItem(combo.count() - 1, label, (ABSOLUTE, start, end))
    _set_index(combo, combo.count() - 2)


def ask_date_range(parent: QWidget, title: str) -> tuple[datetime, datetime] | None:
    """Two dates (the second one included); None when cancelled."""
    dialog = QDialog(parent, objectName="dateRangeDialog")
    dialog.setWindowTitle(title)
    today = QDate.currentDate()
    start, end = QDateEdit(today.addDays(-7)), QDateEdit(today)
    for edit in (start, end):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
    form = QFormLayout(dialog)
    form.addRow("From", start)
    form.addRow("To (included)", end)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    first = datetime(start.date().year(), start.date().month(), start.date().day()).astimezone(UTC)
    last = datetime(end.date().year(), end.date().month(), end.date().day()).astimezone(UTC) + timedelta(days=1)
    return first, last


def _range(preset: object, now: datetime) -> tuple[datetime | None, datetime | None]:
    if isinstance(preset, tuple) and preset and preset[0] == ABSOLUTE:
        return preset[1], preset[2]
    start_days, end_days = preset if isinstance(preset, tuple) else (None, None)
    start = now - timedelta(days=start_days) if start_days else None
    end = now - timedelta(days=end_days) if end_days else None
    return start, end
