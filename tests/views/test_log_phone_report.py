"""The walk-through of issue 2: a caller phones, the agent logs it without touching the mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import ReporterDraft
from desktop_app.domain.enums import Channel, Priority, Status
from desktop_app.views.main_window import MainWindow
from desktop_app.views.new_incident_dialog import NewIncidentDialog

MAX_CONTROL_KEYS = 12


class Keyboard:
    """Sends key events to whatever has focus, counting the keys that are not typed text."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.control_keys: list[str] = []

    @staticmethod
    def focus() -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, name: str = ""
    ) -> None:
        self.control_keys.append(name or str(key))
        self.qtbot.keyClick(self.focus(), key, modifier)


def test_phone_report_logged_with_keys_only(qtbot: QtBot, main_window: MainWindow, context: AppContext) -> None:
    caller = context.reporters.create(
        ReporterDraft("Priya Raghunathan", "priya.r@example.org", "+44 20 7946 0312", "Finance", "London")
    ).value
    context.reporters.create(ReporterDraft("Pete Ramsey", "pete.ramsey@example.org"))
    keys = Keyboard(qtbot)
    main_window.queue.focus_table()

    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, "Ctrl+N")
    dialog = main_window.new_incident_dialog
    assert isinstance(dialog, NewIncidentDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reporter)

    keys.type("raghu")  # part of the caller's surname
    keys.press(Qt.Key.Key_Return, name="Enter: take the first match")
    assert keys.focus() is dialog.description
    keys.type("Cannot reach the finance share since this morning")
    keys.press(Qt.Key.Key_Tab, name="Tab")
    assert keys.focus() is dialog.title_field
    keys.type("Finance share unreachable")
    keys.press(Qt.Key.Key_Tab, name="Tab")
    assert keys.focus() is dialog.category
    keys.type("conn")
    keys.press(Qt.Key.Key_Return, name="Enter: take the first category")
    assert keys.focus() is dialog.impact
    keys.press(Qt.Key.Key_2, name="2: impact medium")
    keys.press(Qt.Key.Key_Tab, name="Tab")
    keys.press(Qt.Key.Key_1, name="1: urgency high")
    assert dialog.priority.text().startswith("P2"), "the priority is shown live"
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, "Ctrl+Enter")

    assert dialog.created is not None, dialog.error.text()
    assert dialog.done_number.text() == dialog.created.display_number
    assert len(keys.control_keys) <= MAX_CONTROL_KEYS, keys.control_keys

    saved = context.incidents.get_by_number(dialog.created.display_number)
    assert saved.reporter is not None
    assert saved.reporter.id == caller.id
    assert saved.reporter_phone == "+44 20 7946 0312"
    assert saved.description == "Cannot reach the finance share since this morning"
    assert saved.title == "Finance share unreachable"
    assert saved.category_path == "Network > Connectivity"
    assert (saved.impact, saved.urgency, saved.priority) == (2, 1, Priority.P2)
    assert saved.channel == Channel.PHONE
    assert saved.status == Status.NEW
    assert saved.created_by_name == "Terry Tester"

    # The number can be copied to read it back, still without the mouse: the copy button has focus.
    keys.press(Qt.Key.Key_Return, name="Enter: copy")
    assert QApplication.clipboard().text() == saved.display_number
    # The new incident is selected in the queue and shown in the detail pane.
    assert main_window.detail.detail is not None
    assert main_window.detail.detail.id == saved.id
    assert main_window.queue.current_incident_id() == saved.id


def test_new_reporter_created_inline(qtbot: QtBot, main_window: MainWindow, context: AppContext) -> None:
    keys = Keyboard(qtbot)
    dialog = main_window.open_new_incident()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reporter)
    keys.type("Zoe Okonkwo")
    dialog.reporter.flush_query()
    suggestions = dialog.reporter.current_suggestions()
    assert suggestions[-1].text.startswith("+ New reporter"), "a new caller can always be added"
    keys.press(Qt.Key.Key_Return)  # no match in the directory: the only suggestion is "New reporter"
    assert dialog.new_reporter.isVisible()
    assert keys.focus() is dialog.new_reporter.email
    keys.type("zoe.okonkwo@example.org")
    keys.press(Qt.Key.Key_Tab)
    keys.type("+44 161 496 0000")
    dialog.description.setFocus()
    keys.type("Laptop will not boot after update")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.created is not None, dialog.error.text()
    reporter = context.reporters.resolve("zoe.okonkwo@example.org")
    assert reporter.name == "Zoe Okonkwo"
    assert reporter.phone == "+44 161 496 0000"
    assert context.incidents.get(dialog.created.id).reporter_name == "Zoe Okonkwo"


def test_save_refused_with_clear_message_and_nothing_written(
    qtbot: QtBot, main_window: MainWindow, context: AppContext
) -> None:
    context.reporters.create(ReporterDraft("Ada Lovelace", "ada@example.org"))
    before = context.incidents.count()
    keys = Keyboard(qtbot)
    dialog = main_window.open_new_incident()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reporter)
    keys.type("ada")
    keys.press(Qt.Key.Key_Return)
    # Empty description: the service's rule is shown, focus goes to the field, nothing is saved.
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.created is None
    assert "description is required" in dialog.error.text().lower()
    assert keys.focus() is dialog.description
    # An over-long title.
    keys.type("Printer jams")
    dialog.title_field.setFocus()
    keys.type("x" * 201)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.created is None
    assert "limit is 200" in dialog.error.text()
    assert keys.focus() is dialog.title_field
    # A category typed but not picked from the tree.
    dialog.title_field.clear()
    dialog.category.setFocus()
    keys.type("Plumbing")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.created is None
    assert "category" in dialog.error.text().lower()
    assert context.incidents.count() == before
    # Fixing the category makes it save.
    dialog.category.clear()
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.created is not None
    assert context.incidents.count() == before + 1
