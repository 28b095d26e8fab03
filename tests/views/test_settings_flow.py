"""File > Settings: the name every change records, and the channel new incidents start on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.enums import Channel
from desktop_app.settings import load_settings
from desktop_app.views.main_window import MainWindow


def test_rename_me_and_default_channel_are_saved(qtbot: QtBot, main_window: MainWindow, context: AppContext) -> None:
    qtbot.keyClick(main_window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = main_window.settings_dialog
    assert dialog.name.text() == "Terry Tester"
    assert dialog.chosen_server_url() is None, "offline only is the default"
    dialog.name.setText("Terry T. Tester")
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.EMAIL))
    dialog.buttons.accepted.emit()

    assert context.directory.me().name == "Terry T. Tester"
    assert load_settings(context.paths.settings_file).default_channel == "email"
    new_incident = main_window.open_new_incident()
    assert new_incident.channel.currentData() == Channel.EMAIL
    new_incident.done(0)


def test_an_empty_name_is_refused_with_a_message(qtbot: QtBot, main_window: MainWindow, context: AppContext) -> None:
    main_window.actions_by_id["settings"].trigger()
    dialog = main_window.settings_dialog
    dialog.name.setText("   ")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible()
    assert "cannot be empty" in dialog.error.text()
    assert context.directory.me().name == "Terry Tester"
