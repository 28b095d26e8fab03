"""Settings > SLA: targets per priority, business-hours calendars with holidays, warning, escalation.

The dialog edits a copy of the ``SlaConfig`` and checks it with the domain's rules before it
closes; the caller (``open_sla_settings``) saves it through ``SlaService`` on the DB worker.
These settings are local to this computer (they are not synced).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dtos import GroupSummary
from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import HelpdeskError
from desktop_app.domain.ids import new_id
from desktop_app.domain.sla_calendar import WEEKDAY_NAMES
from desktop_app.domain.sla_config import CalendarConfig, HolidayConfig, SlaConfig, TargetConfig
from desktop_app.views.widgets.error_banner import ErrorBanner

HOLIDAY_DAY_ROLE = Qt.ItemDataRole.UserRole + 1


class SlaSettingsDialog(QDialog):
    def __init__(
        self,
        config: SlaConfig,
        groups: list[GroupSummary],
        public_holidays: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("SLA settings")
        self.setObjectName("slaSettingsDialog")
        self._config = config
        self._calendars = {c.id: c for c in config.calendars}
        self._editing: uuid.UUID | None = None
        self._public_holidays = public_holidays  # SlaService.public_holidays, or None to hide the button
        self.error = ErrorBanner()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        note = QLabel("These settings apply on this computer; the clocks are recomputed from each incident's history.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #607d8b;")
        layout.addWidget(note)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self._targets_box())
        left.addWidget(self._alerts_box(groups))
        left.addStretch(1)
        columns.addLayout(left)
        columns.addWidget(self._calendar_box(), 1)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._refresh_calendar_choices()
        self._show_calendar(config.calendars[0].id if config.calendars else None)

    # --- targets -------------------------------------------------------------------------

    def _targets_box(self) -> QGroupBox:
        box = QGroupBox("Targets per priority (hours of the chosen calendar)")
        grid = QGridLayout(box)
        for column, title in enumerate(("", "Response", "Resolution", "Calendar")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        self.response: dict[Priority, QDoubleSpinBox] = {}
        self.resolution: dict[Priority, QDoubleSpinBox] = {}
        self.target_calendar: dict[Priority, QComboBox] = {}
        targets = {t.priority: t for t in self._config.targets}
        for row, priority in enumerate(Priority, start=1):
            grid.addWidget(QLabel(priority.label), row, 0)
            target = targets.get(priority)
            for column, (store, minutes) in enumerate(
                (
                    (self.response, target.response_minutes if target else 60),
                    (self.resolution, target.resolution_minutes if target else 480),
                ),
                start=1,
            ):
                spin = QDoubleSpinBox(objectName=f"sla_{priority.value}_{'response' if column == 1 else 'resolution'}")
                spin.setRange(0.25, 8760)
                spin.setDecimals(2)
                spin.setSingleStep(0.5)
                spin.setSuffix(" h")
                spin.setValue(minutes / 60)
                store[priority] = spin
                grid.addWidget(spin, row, column)
            combo = QComboBox(objectName=f"sla_{priority.value}_calendar")
            self.target_calendar[priority] = combo
            combo.setProperty("wanted", str(target.calendar_id) if target else "")
            grid.addWidget(combo, row, 3)
        return box

    def _alerts_box(self, groups: list[GroupSummary]) -> QGroupBox:
        box = QGroupBox("Warning and escalation")
        form = QFormLayout(box)
        self.warn_percent = QSpinBox(objectName="slaWarnPercent")
        self.warn_percent.setRange(5, 99)
        self.warn_percent.setSuffix(" % of the target")
        self.warn_percent.setValue(round(self._config.warn_share * 100))
        form.addRow("&Warn at", self.warn_percent)
        self.auto_escalate = QCheckBox("&Escalate automatically to", objectName="slaAutoEscalate")
        self.auto_escalate.setChecked(self._config.auto_escalate)
        self.escalation_group = QComboBox(objectName="slaEscalationGroup")
        self.escalation_group.addItem("(choose a group)", "")
        for group in groups:
            self.escalation_group.addItem(group.name, str(group.id))
        if self._config.escalation_group_id is not None:
            self.escalation_group.setCurrentIndex(
                max(self.escalation_group.findData(str(self._config.escalation_group_id)), 0)
            )
        form.addRow(self.auto_escalate, self.escalation_group)
        form.addRow("", QLabel("A warning shows a desktop notification once per incident and clock."))
        return box

    # --- calendars -----------------------------------------------------------------------

    def _calendar_box(self) -> QGroupBox:
        box = QGroupBox("Business-hours calendars")
        layout = QVBoxLayout(box)
        chooser = QHBoxLayout()
        self.calendar_choice = QComboBox(objectName="slaCalendarChoice")
        self.calendar_choice.currentIndexChanged.connect(self._on_calendar_choice_changed)
        self.new_calendar_button = QPushButton("&New calendar")
        self.new_calendar_button.clicked.connect(self._on_new_calendar_clicked)
        chooser.addWidget(self.calendar_choice, 1)
        chooser.addWidget(self.new_calendar_button)
        layout.addLayout(chooser)
        form = QFormLayout()
        self.calendar_name = QLineEdit(objectName="slaCalendarName")
        self.time_zone = QComboBox(objectName="slaTimeZone")
        self.time_zone.setEditable(True)
        self.time_zone.addItems(sorted(available_timezones()))
        form.addRow("Na&me", self.calendar_name)
        form.addRow("&Time zone", self.time_zone)
        self.week_hours: list[QLineEdit] = []
        for name in WEEKDAY_NAMES:
            edit = QLineEdit(objectName=f"slaHours{name}")
            edit.setPlaceholderText("closed  (or 08:00-18:00, 24h)")
            self.week_hours.append(edit)
            form.addRow(name, edit)
        layout.addLayout(form)
        layout.addWidget(QLabel("Holidays (closed all day)"))
        self.holidays = QListWidget(objectName="slaHolidays")
        self.holidays.setMinimumHeight(140)
        layout.addWidget(self.holidays)
        adder = QHBoxLayout()
        self.holiday_date = QDateEdit(objectName="slaHolidayDate")
        self.holiday_date.setCalendarPopup(True)
        self.holiday_date.setDisplayFormat("yyyy-MM-dd")
        self.holiday_date.setDate(QDate.currentDate())
        self.holiday_name = QLineEdit(objectName="slaHolidayName")
        self.holiday_name.setPlaceholderText("name, e.g. Company day")
        self.holiday_name.setMinimumWidth(160)
        add = QPushButton("&Add")
        add.clicked.connect(self._on_add_holiday_clicked)
        remove = QPushButton("&Remove")
        remove.clicked.connect(self._on_remove_holiday_clicked)
        adder.addWidget(self.holiday_date)
        adder.addWidget(self.holiday_name, 1)
        adder.addWidget(add)
        adder.addWidget(remove)
        layout.addLayout(adder)
        self.public_button = QPushButton("Add a country's &public holidays…", objectName="slaPublicHolidays")
        self.public_button.clicked.connect(self._on_public_button_clicked)
        self.public_button.setVisible(self._public_holidays is not None)
        layout.addWidget(self.public_button)
        return box

    def _refresh_calendar_choices(self) -> None:
        combos = [self.calendar_choice, *self.target_calendar.values()]
        for combo in combos:
            wanted = combo.currentData() or combo.property("wanted")
            combo.blockSignals(True)
            combo.clear()
            for calendar in self._calendars.values():
                combo.addItem(calendar.name, str(calendar.id))
            if wanted:
                combo.setCurrentIndex(max(combo.findData(wanted), 0))
            combo.blockSignals(False)

    def _show_calendar(self, calendar_id: uuid.UUID | None) -> None:
        self._editing = calendar_id
        if calendar_id is None:
            return
        calendar = self._calendars[calendar_id]
        self.calendar_choice.setCurrentIndex(self.calendar_choice.findData(str(calendar_id)))
        self.calendar_name.setText(calendar.name)
        self.time_zone.setCurrentText(calendar.time_zone)
        for edit, text in zip(self.week_hours, calendar.week_hours, strict=True):
            edit.setText(text)
        self._show_holidays(calendar.holidays)

    def _show_holidays(self, holidays: tuple[HolidayConfig, ...]) -> None:
        self.holidays.clear()
        for holiday in holidays:
            item = QListWidgetItem(f"{holiday.day:%a %Y-%m-%d}  {holiday.name}")
            item.setData(HOLIDAY_DAY_ROLE, holiday.day.isoformat())
            item.setData(Qt.ItemDataRole.UserRole, holiday.name)
            self.holidays.addItem(item)

    def _store_editing(self) -> None:
        """Keep what was typed for the calendar on screen before showing another one or saving."""
        if self._editing is None:
            return
        holidays = tuple(
            HolidayConfig(
                date.fromisoformat(self.holidays.item(i).data(HOLIDAY_DAY_ROLE)),
                self.holidays.item(i).data(Qt.ItemDataRole.UserRole),
            )
            for i in range(self.holidays.count())
        )
        self._calendars[self._editing] = dataclasses.replace(
            self._calendars[self._editing],
            name=self.calendar_name.text().strip(),
            time_zone=self.time_zone.currentText().strip(),
            week_hours=tuple(edit.text().strip() for edit in self.week_hours),
            holidays=holidays,
        )

    def _on_calendar_choice_changed(self, index: int) -> None:
        self._store_editing()
        self._refresh_calendar_choices()
        chosen = self.calendar_choice.itemData(index)
        if chosen:
            self._show_calendar(uuid.UUID(chosen))

    def _on_new_calendar_clicked(self) -> None:
        self._store_editing()
        calendar = CalendarConfig(new_id(), f"Calendar {len(self._calendars) + 1}", "Europe/London", ("",) * 7)
        calendar = dataclasses.replace(calendar, week_hours=("09:00-17:00",) * 5 + ("", ""))
        self._calendars[calendar.id] = calendar
        self._editing = None
        self._refresh_calendar_choices()
        self._show_calendar(calendar.id)
        self.calendar_name.setFocus()
        self.calendar_name.selectAll()

    def _on_add_holiday_clicked(self) -> None:
        day = self.holiday_date.date().toPython()
        self._merge_holidays([HolidayConfig(day, self.holiday_name.text().strip() or "Holiday")])
        self.holiday_name.clear()

    def _on_remove_holiday_clicked(self) -> None:
        for item in self.holidays.selectedItems():
            self.holidays.takeItem(self.holidays.row(item))

    def _on_public_button_clicked(self) -> None:
        text, ok = QInputDialog.getText(
            self,
            "Public holidays",
            "Country, optional region and years, e.g. GB ENG 2028 or US CA 2027 2028:",
            text=f"GB ENG {date.today().year + 1}",
        )
        if ok and text.strip():
            self.add_public_holidays(text)

    def add_public_holidays(self, text: str) -> None:
        """``"GB ENG 2028"``: a country code, an optional region, one or more years."""
        parts = text.split()
        years = [int(p) for p in parts if p.isdigit()]
        codes = [p for p in parts if not p.isdigit()]
        try:
            found = self._public_holidays(codes[0] if codes else "", codes[1] if len(codes) > 1 else None, years)
        except HelpdeskError as exc:
            self.error.show_message(exc.message)
            return
        self._merge_holidays(found)
        self.error.clear()

    def _merge_holidays(self, extra: list[HolidayConfig]) -> None:
        self._store_editing()
        if self._editing is None:
            return
        merged = self._calendars[self._editing].with_holidays(extra)
        self._calendars[self._editing] = merged
        self._show_holidays(merged.holidays)

    # --- result --------------------------------------------------------------------------

    def chosen_config(self) -> SlaConfig:
        self._store_editing()
        group = self.escalation_group.currentData()
        return SlaConfig(
            calendars=tuple(self._calendars.values()),
            targets=tuple(
                TargetConfig(
                    priority,
                    round(self.response[priority].value() * 60),
                    round(self.resolution[priority].value() * 60),
                    uuid.UUID(self.target_calendar[priority].currentData()),
                )
                for priority in Priority
            ),
            warn_share=self.warn_percent.value() / 100,
            auto_escalate=self.auto_escalate.isChecked(),
            escalation_group_id=uuid.UUID(group) if group else None,
        )

    def _on_buttons_accepted(self) -> None:
        try:
            self.chosen_config().policy()
        except HelpdeskError as exc:
            self.error.show_message(exc.message)
            return
        self.accept()


def open_sla_settings(window: Any) -> None:
    """Load the configuration and the groups on the DB worker, show the dialog, save what it returns."""
    context = window.context

    def load() -> tuple[SlaConfig, list[GroupSummary]]:
        return context.sla.config(), context.directory.groups()

    def show(found: tuple[SlaConfig, list[GroupSummary]]) -> None:
        dialog = SlaSettingsDialog(*found, public_holidays=context.sla.public_holidays, parent=window)
        window.sla_settings_dialog = dialog
        dialog.accepted.connect(lambda: save(dialog.chosen_config()))
        dialog.open()

    def saved(_config: SlaConfig) -> None:
        window.statusBar().showMessage("SLA settings saved; the clocks are recomputed.", 5000)
        window.detail.sla.reload()

    def save(config: SlaConfig) -> None:
        window.runner.run_db(context.sla.save_config, config, on_done=saved, on_error=window._show_error)

    window.runner.run_db(load, on_done=show, on_error=window._show_error)
