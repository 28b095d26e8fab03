"""The new-incident form beyond the happy path: cancelling, live priority, VIPs, channel, time, tab order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import Channel, Priority
from desktop_app.domain.priority import LEVELS
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.new_incident_dialog import NewIncidentDialog
from desktop_app.views.tasks import SyncTaskRunner
from tests.support.fakes import FixedClock

CTRL = Qt.KeyboardModifier.ControlModifier


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focus(), key, modifier)


def choose_level(qtbot: QtBot, combo: QComboBox, level: int) -> None:
    """Home, then Down to the level: digits typed in quick succession would search for "12", not "2"."""
    combo.setFocus()
    qtbot.waitUntil(lambda: focus() is combo)
    press(qtbot, Qt.Key.Key_Home)
    for _ in range(level - 1):
        press(qtbot, Qt.Key.Key_Down)


@pytest.fixture
def open_dialog(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, bus: ChangeBus
) -> Iterator[Callable[[], NewIncidentDialog]]:
    """Opens a dialog (not deleted on close, so a test can look at it afterwards) with the caret in Reporter."""
    opened: list[NewIncidentDialog] = []

    def open_one() -> NewIncidentDialog:
        # Not qtbot.addWidget: its close() at teardown would ask "Discard?" for real on a dirty form.
        dialog = NewIncidentDialog(context, runner, bus)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        dialog.reporter.setFocus()
        qtbot.waitUntil(lambda: focus() is dialog.reporter)
        opened.append(dialog)
        return dialog

    yield open_one
    for dialog in opened:
        dialog.done(0)  # closes without the question
        dialog.deleteLater()


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """QMessageBox.question calls; the answer is whatever the test puts in ``questions.answer``."""

    class Recorder(list):
        answer = QMessageBox.StandardButton.Cancel

    calls = Recorder()

    def question(*args: Any) -> QMessageBox.StandardButton:
        calls.append(args)
        return calls.answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return calls


def test_escape_on_an_empty_form_closes_without_asking(
    qtbot: QtBot, open_dialog: Callable[[], NewIncidentDialog], questions: list[Any]
) -> None:
    dialog = open_dialog()
    with qtbot.waitSignal(dialog.rejected):
        press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert questions == []


def test_escape_after_typing_asks_before_discarding(
    qtbot: QtBot, open_dialog: Callable[[], NewIncidentDialog], questions: Any, context: AppContext
) -> None:
    before = context.incidents.count()
    dialog = open_dialog()
    dialog.title_field.setFocus()
    qtbot.waitUntil(lambda: focus() is dialog.title_field)
    qtbot.keyClicks(focus(), "Screen flickers")

    questions.answer = QMessageBox.StandardButton.Cancel
    press(qtbot, Qt.Key.Key_Escape)
    assert len(questions) == 1
    assert questions[0][1] == "Discard this incident?"
    assert dialog.isVisible(), "Cancel keeps the form and what was typed"
    assert dialog.title_field.text() == "Screen flickers"

    questions.answer = QMessageBox.StandardButton.Discard
    with qtbot.waitSignal(dialog.rejected):
        press(qtbot, Qt.Key.Key_Escape)
    assert len(questions) == 2
    assert not dialog.isVisible()
    assert dialog.created is None
    assert context.incidents.count() == before


def test_priority_badge_follows_every_impact_and_urgency(
    qtbot: QtBot, open_dialog: Callable[[], NewIncidentDialog], context: AppContext
) -> None:
    dialog = open_dialog()
    assert dialog.priority.text() == context.incidents.priority_for(3, 3).label, "defaults: low × low"
    seen = set()
    for impact in LEVELS:
        choose_level(qtbot, dialog.impact, impact)
        for urgency in LEVELS:
            choose_level(qtbot, dialog.urgency, urgency)
            assert (dialog.impact.currentData(), dialog.urgency.currentData()) == (impact, urgency)
            expected = context.incidents.matrix.priority(impact, urgency)
            assert dialog.priority.text() == expected.label, (impact, urgency)
            assert dialog.priority.accessibleName() == f"Priority {expected.label}"
            seen.add(expected)
    assert seen == set(Priority), "the default matrix reaches every priority"


def test_priority_badge_uses_the_configured_matrix(
    open_dialog: Callable[[], NewIncidentDialog], context: AppContext
) -> None:
    context.incidents.matrix = type(context.incidents.matrix).from_rows([["P1", "P1", "P1"]] * 3)
    dialog = open_dialog()
    assert dialog.priority.text() == Priority.P1.label, "low × low is P1 in this organisation's matrix"


def test_vip_reporters_are_starred(qtbot: QtBot, open_dialog: Callable[[], NewIncidentDialog], make_reporter) -> None:
    make_reporter("Victoria Vance", is_vip=True, phone="+44 20 7946 0101")
    make_reporter("Victor Vale")
    dialog = open_dialog()
    qtbot.keyClicks(focus(), "vict")
    dialog.reporter.flush_query()
    texts = [s.text for s in dialog.reporter.current_suggestions()]
    assert "★ Victoria Vance" in texts
    assert "Victor Vale" in texts, "no star for everyone else"
    assert texts[-1] == "+ New reporter “vict”…"
    assert dialog.reporter.popup_visible()
    for _ in range(texts.index("★ Victoria Vance")):
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.reporter.text() == "Victoria Vance", "the field holds the name, without the star"
    assert dialog.reporter_info.text().startswith("VIP · ")
    assert "+44 20 7946 0101" in dialog.reporter_info.text()


def test_channel_defaults_to_phone_and_changes_by_keyboard(
    qtbot: QtBot, open_dialog: Callable[[], NewIncidentDialog], context: AppContext, make_reporter
) -> None:
    make_reporter("Edsger Dijkstra")
    dialog = open_dialog()
    assert dialog.channel.currentData() == Channel.PHONE
    qtbot.keyClicks(focus(), "dijk")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(focus(), "Mail client crashes on start")
    dialog.channel.setFocus()
    qtbot.waitUntil(lambda: focus() is dialog.channel)
    qtbot.keyClicks(focus(), "e")  # QComboBox keyboard search
    assert dialog.channel.currentData() == Channel.EMAIL
    assert type(dialog.draft().channel) is Channel, "Qt hands item data back as str; the draft holds the enum"
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.created is not None, dialog.error.text()
    saved = context.incidents.get(dialog.created.id)
    assert saved.channel is Channel.EMAIL


def test_channel_default_comes_from_the_settings(
    open_dialog: Callable[[], NewIncidentDialog], context: AppContext
) -> None:
    context.settings.default_channel = "walk-in"
    dialog = open_dialog()
    assert dialog.channel.currentData() == Channel.WALK_IN
    assert dialog.channel.currentText() == "Walk in"


def test_occurred_at_defaults_to_the_context_clock(
    open_dialog: Callable[[], NewIncidentDialog], clock: FixedClock
) -> None:
    dialog = open_dialog()
    assert dialog.occurred.dateTime().toSecsSinceEpoch() == int(clock().timestamp())
    later = clock.advance(hours=5, minutes=7)
    second = open_dialog()
    assert second.occurred.dateTime().toSecsSinceEpoch() == int(later.timestamp())


def test_tab_order_follows_the_call(qtbot: QtBot, open_dialog: Callable[[], NewIncidentDialog]) -> None:
    dialog = open_dialog()
    assert not dialog.new_reporter.isVisible()
    expected = [
        dialog.reporter,
        dialog.description,
        dialog.title_field,
        dialog.category,
        dialog.impact,
        dialog.urgency,
        dialog.channel,
        dialog.occurred,
        dialog.drill,
        dialog.cancel_button,
        dialog.save_button,
    ]
    visited: list[QWidget] = [focus()]
    for _ in range(40):  # the date-time edit takes one Tab per section (year, month, day, hour, minute)
        press(qtbot, Qt.Key.Key_Tab)
        widget = focus()
        owner = widget if widget in expected else widget.parentWidget()
        if owner is not visited[-1]:
            visited.append(owner)
        if owner is dialog.save_button:
            break
    assert visited == expected
