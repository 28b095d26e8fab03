"""Signing in through the dialog against a real server: from the keyboard, and every clear refusal."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.views.sync.login_dialog import NO_KEYRING_NOTICE, LoginDialog
from desktop_app.views.tasks import SyncTaskRunner
from tests.support.fakes import MemoryKeyring
from tests.sync.e2e_support import PASSWORD, RunningServer
from tests.views.sync.conftest import WindowFactory
from tests.views.sync.sync_support import NoKeyring

pytestmark = pytest.mark.slow


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def fill_and_submit(qtbot: QtBot, dialog: LoginDialog, url: str, username: str, password: str) -> None:
    """Type into whatever has the focus, Tab to the next field, Enter at the end: as a person would."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.server_url)
    for text in (url, username):
        focus().clear()  # type: ignore[attr-defined]
        qtbot.keyClicks(focus(), text)
        qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert focus() is dialog.password
    qtbot.keyClicks(focus(), password)
    qtbot.keyClick(focus(), Qt.Key.Key_Return)


@pytest.fixture
def alice(make_client: Callable[[str], AppContext]) -> AppContext:
    return make_client("alice")


@pytest.fixture
def dialog(qtbot: QtBot, alice: AppContext) -> LoginDialog:
    dialog = LoginDialog(alice.sync, SyncTaskRunner())
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    return dialog


def test_signing_in_from_the_indicator_with_the_keyboard(
    qtbot: QtBot, sync_server: RunningServer, alice: AppContext, make_window: WindowFactory
) -> None:
    _window, ui = make_window(alice)
    assert ui.indicator.text() == "Offline only"
    ui.indicator.setFocus()
    qtbot.keyClick(ui.indicator, Qt.Key.Key_Space)
    dialog = ui.login_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password

    with qtbot.waitSignal(ui.controller.sync_finished, timeout=20000):
        fill_and_submit(qtbot, dialog, sync_server.url, "alice", PASSWORD)

    assert not dialog.isVisible()
    status = alice.sync.status()
    assert (status.server_url, status.username, status.logged_in) == (sync_server.url, "alice", True)
    assert ui.indicator.text().startswith("Up to date · ")
    assert "Signed in as alice (technician)" in ui.indicator.toolTip()
    assert ui.actions["sync_now"].isEnabled()
    assert ui.actions["sign_out"].isEnabled()


def test_a_wrong_password_is_refused_inline_and_the_form_kept(
    qtbot: QtBot, sync_server: RunningServer, dialog: LoginDialog
) -> None:
    signed: list[object] = []
    dialog.signed_in.connect(signed.append)

    fill_and_submit(qtbot, dialog, sync_server.url, "alice", "not the password")

    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "refused the user name or password" in dialog.error.text()
    assert (dialog.server_url.text(), dialog.username.text()) == (sync_server.url, "alice")
    assert dialog.sign_in_button.isEnabled()
    assert QApplication.focusWidget() is dialog.password
    assert signed == []


def test_an_unreachable_server_is_said_plainly(qtbot: QtBot, dialog: LoginDialog, closed_port_url: str) -> None:
    fill_and_submit(qtbot, dialog, closed_port_url, "alice", PASSWORD)

    assert "cannot be reached" in dialog.error.text()
    assert "connection refused" in dialog.error.text()
    assert dialog.isVisible()


def test_a_malformed_address_points_at_the_address_field(qtbot: QtBot, dialog: LoginDialog) -> None:
    fill_and_submit(qtbot, dialog, "helpdesk example", "alice", PASSWORD)

    assert "is not a server address" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.server_url


def test_too_many_attempts_say_to_slow_down(qtbot: QtBot, sync_server: RunningServer, dialog: LoginDialog) -> None:
    for _ in range(6):  # the server allows 5 failures per user name per minute
        dialog.password.setText("wrong")
        dialog.username.setText("dave")
        dialog.server_url.setText(sync_server.url)
        dialog.buttons.accepted.emit()

    assert "slow down" in dialog.error.text()


@pytest.fixture
def no_keyring(memory_keyring: MemoryKeyring) -> Iterator[None]:
    keyring.set_keyring(NoKeyring())
    yield
    keyring.set_keyring(memory_keyring)


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_dialog_says_the_password_is_asked_again(
    qtbot: QtBot, sync_server: RunningServer, dialog: LoginDialog, alice: AppContext
) -> None:
    results: list[object] = []
    dialog.signed_in.connect(results.append)

    fill_and_submit(qtbot, dialog, sync_server.url, "alice", PASSWORD)

    assert len(results) == 1
    assert dialog.isVisible(), "the dialog stays open until the notice is read"
    assert dialog.notice.isVisible()
    assert NO_KEYRING_NOTICE in dialog.notice.text()
    assert "never stored in a plain file" in dialog.notice.text()
    assert not dialog.error.isVisible()
    assert alice.sync.status().logged_in, "signed in for this session"
    assert QApplication.focusWidget() is dialog.sign_in_button
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
