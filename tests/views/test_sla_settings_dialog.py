"""Settings > SLA: edit targets, hours, holidays, warning and escalation; refused input keeps the dialog."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import Priority
from desktop_app.views.main_window import MainWindow
from desktop_app.views.sla.sla_settings_dialog import SlaSettingsDialog


def make_dialog(qtbot: QtBot, context: AppContext) -> SlaSettingsDialog:
    dialog = SlaSettingsDialog(
        context.sla.config(), context.directory.groups(), public_holidays=context.sla.public_holidays
    )
    qtbot.addWidget(dialog)
    return dialog


def test_edits_are_saved_and_recompute_the_clocks(qtbot: QtBot, context: AppContext) -> None:
    dialog = make_dialog(qtbot, context)
    dialog._show_calendar(next(c.id for c in context.sla.config().calendars if c.name == "Office hours"))
    dialog.response[Priority.P2].setValue(3)
    dialog.warn_percent.setValue(60)
    dialog.week_hours[0].setText("07:30-12:00, 13:00-19:00")
    dialog.holiday_date.setDate(QDate(2026, 6, 19))
    dialog.holiday_name.setText("Company day")
    dialog._on_add_holiday_clicked()
    dialog.add_public_holidays("GB ENG 2028")
    desk = context.directory.groups()[0]
    dialog.auto_escalate.setChecked(True)
    dialog.escalation_group.setCurrentIndex(dialog.escalation_group.findData(str(desk.id)))
    dialog.buttons.accepted.emit()
    assert dialog.result() == SlaSettingsDialog.DialogCode.Accepted

    saved = context.sla.save_config(dialog.chosen_config())
    office = next(c for c in saved.calendars if c.name == "Office hours")
    assert office.week_hours[0] == "07:30-12:00, 13:00-19:00"
    days = {h.day: h.name for h in office.holidays}
    assert days[date(2026, 6, 19)] == "Company day"
    assert date(2028, 12, 25) in days
    assert date(2026, 8, 31) in days  # the seeded ones are kept
    assert next(t for t in saved.targets if t.priority == Priority.P2).response_minutes == 180
    assert saved.warn_share == 0.6
    assert (saved.auto_escalate, saved.escalation_group_id) == (True, desk.id)
    assert context.sla.policy().targets[Priority.P2].response == timedelta(hours=3)


def test_a_new_calendar_can_serve_a_priority(qtbot: QtBot, context: AppContext) -> None:
    dialog = make_dialog(qtbot, context)
    dialog._on_new_calendar_clicked()
    dialog.calendar_name.setText("New York desk")
    dialog.time_zone.setCurrentText("America/New_York")
    combo = dialog.target_calendar[Priority.P5]
    dialog._store_editing()
    dialog._refresh_calendar_choices()
    combo.setCurrentIndex(combo.findText("New York desk"))
    saved = context.sla.save_config(dialog.chosen_config())
    new_york = next(c for c in saved.calendars if c.name == "New York desk")
    assert new_york.time_zone == "America/New_York"
    assert new_york.week_hours[:5] == ("09:00-17:00",) * 5
    assert next(t for t in saved.targets if t.priority == Priority.P5).calendar_id == new_york.id


def test_refused_input_keeps_the_dialog_open_with_the_rule(qtbot: QtBot, context: AppContext) -> None:
    dialog = make_dialog(qtbot, context)
    dialog.show()
    dialog.week_hours[0].setText("9 till 5")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible()
    assert "08:00-18:00" in dialog.error.text()
    dialog.week_hours[0].setText("08:00-18:00")
    dialog.auto_escalate.setChecked(True)
    dialog.escalation_group.setCurrentIndex(0)
    dialog.buttons.accepted.emit()
    assert "needs a group" in dialog.error.text()
    dialog.add_public_holidays("Atlantis 2027")
    assert "No holiday list" in dialog.error.text()


def test_settings_dialog_opens_the_sla_page(qtbot: QtBot, main_window: MainWindow) -> None:
    main_window.actions_by_id["settings"].trigger()
    main_window.settings_dialog.sla_button.click()
    sla_dialog = main_window.sla_settings_dialog
    assert sla_dialog.isVisible()
    sla_dialog.warn_percent.setValue(80)
    sla_dialog.buttons.accepted.emit()
    assert main_window.context.sla.config().warn_share == 0.8
    main_window.settings_dialog.reject()
