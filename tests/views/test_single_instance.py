"""A second launch hands its request to the running window over a real QLocalSocket, then exits."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from desktop_app.views.main_window import MainWindow
from desktop_app.views.single_instance import (
    FileOpenFilter,
    InstanceServer,
    LaunchRequest,
    claim_single_instance,
    deliver_request,
    hand_over,
    server_name,
)
from tests.mail.messages import plain

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener(qtbot: QtBot, tmp_path: Path):
    server = InstanceServer(f"helpdesk-test-{uuid.uuid4().hex[:12]}")
    assert server.listen()
    yield server
    server.close()


def test_names_differ_per_data_directory_and_are_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert server_name(first) != server_name(second)
    assert server_name(first) == server_name(tmp_path / "a" / ".." / "a")


def test_nobody_listening_means_no_hand_over(tmp_path: Path) -> None:
    assert hand_over(f"helpdesk-test-{uuid.uuid4().hex[:12]}", LaunchRequest()) is False


def test_the_running_instance_receives_the_email_paths(qtbot: QtBot, listener: InstanceServer, tmp_path: Path) -> None:
    email = tmp_path / "call from ann.eml"
    with qtbot.waitSignal(listener.request_received, timeout=5000) as received:
        assert hand_over(listener.name, LaunchRequest(emails=[email]))
    assert received.args[0] == LaunchRequest(emails=[email])


def test_a_bare_launch_asks_only_to_come_to_the_front(qtbot: QtBot, listener: InstanceServer) -> None:
    with qtbot.waitSignal(listener.request_received, timeout=5000) as received:
        assert hand_over(listener.name, LaunchRequest())
    assert received.args[0].emails == []


def test_garbage_on_the_socket_is_ignored(qtbot: QtBot, listener: InstanceServer, tmp_path: Path) -> None:
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(listener.name)
    assert socket.waitForConnected(2000)
    with qtbot.assertNotEmitted(listener.request_received, wait=300):
        socket.write(b"not json\n")
        socket.waitForBytesWritten(2000)
    socket.disconnectFromServer()
    with qtbot.waitSignal(listener.request_received, timeout=5000):
        assert hand_over(listener.name, LaunchRequest(emails=[tmp_path / "x.msg"]))


def test_a_crashed_instance_socket_is_taken_over(qtbot: QtBot, tmp_path: Path) -> None:
    """A stale socket file (a killed process) must not stop the next start from listening."""
    name = f"helpdesk-test-{uuid.uuid4().hex[:12]}"
    stale = QLocalServer()
    assert stale.listen(name)
    path = Path(stale.fullServerName())
    stale.close()
    if sys.platform != "win32":
        path.write_bytes(b"")  # what a SIGKILLed process leaves behind: a socket path nobody serves
    server = claim_single_instance_by_name(name)
    try:
        with qtbot.waitSignal(server.request_received, timeout=5000):
            assert hand_over(name, LaunchRequest())
    finally:
        server.close()


def claim_single_instance_by_name(name: str) -> InstanceServer:
    server = InstanceServer(name)
    assert server.listen(), "listens even though a file of that name was left behind"
    return server


def test_claim_returns_none_when_a_window_already_listens(qtbot: QtBot, tmp_path: Path, capsys) -> None:
    data_dir = tmp_path / "data"
    first = claim_single_instance(data_dir, LaunchRequest())
    assert first is not None
    try:
        with qtbot.waitSignal(first.request_received, timeout=5000):
            assert claim_single_instance(data_dir, LaunchRequest(emails=[tmp_path / "a.eml"])) is None
        assert "already open" in capsys.readouterr().out
    finally:
        first.close()


def test_delivering_raises_the_window_and_says_so_without_an_importer(qtbot: QtBot, tmp_path: Path) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    deliver_request(window, LaunchRequest(emails=[tmp_path / "printer.eml"]))
    assert not window.isMinimized()
    assert "printer.eml" in window.statusBar().currentMessage()


def test_delivering_hands_emails_to_the_import_seam(main_window: MainWindow, tmp_path: Path) -> None:
    received: list[list[Path]] = []
    main_window.import_email_files = received.append  # what the email import (issue 6) provides
    deliver_request(main_window, LaunchRequest(emails=[tmp_path / "a.eml", tmp_path / "b.msg"]))
    assert received == [[tmp_path / "a.eml", tmp_path / "b.msg"]]


@pytest.mark.slow
def test_second_app_process_hands_over_and_exits_quickly(tmp_path: Path) -> None:
    """Two real ``main.py`` processes: the second exits 0 at once, the first imports the email."""
    data_dir = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    first = subprocess.Popen(
        [sys.executable, "main.py", "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        log_file = data_dir / "logs" / "helpdesk.log"
        _wait_for(lambda: log_file.exists() and "starting" in log_file.read_text(), first)
        email = tmp_path / "outage.eml"
        email.write_bytes(plain(subject="Outage on floor 2").as_bytes())
        second = subprocess.run(
            [sys.executable, "main.py", "--data-dir", str(data_dir), "--import-email", str(email)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert "handed the request" in second.stdout
        _wait_for(lambda: "Outage on floor 2" in _titles(data_dir), first)
    finally:
        first.terminate()
        first.wait(timeout=30)


@pytest.mark.slow
def test_two_launches_at_once_make_one_window(tmp_path: Path) -> None:
    """A double-click race: whichever process takes the lock first is the window; the other hands over."""
    data_dir = tmp_path / "data"
    email = tmp_path / "race.eml"
    email.write_bytes(plain(subject="Two launches at once").as_bytes())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    commands = (
        [sys.executable, "main.py", "--data-dir", str(data_dir)],
        [sys.executable, "main.py", "--data-dir", str(data_dir), "--import-email", str(email)],
    )
    processes = [
        subprocess.Popen(c, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for c in commands
    ]
    try:
        deadline = time.monotonic() + 60
        while all(p.poll() is None for p in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        finished = [p for p in processes if p.poll() is not None]
        assert len(finished) == 1, "exactly one process hands over and exits"
        output = finished[0].stdout.read() if finished[0].stdout else ""
        assert finished[0].returncode == 0, output
        assert "handed the request" in output
        window = next(p for p in processes if p.poll() is None)
        _wait_for(lambda: "Two launches at once" in _titles(data_dir), window)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def test_a_held_lock_means_hand_over_even_before_the_socket_is_known(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = claim_single_instance(data_dir, LaunchRequest())
    assert first is not None
    assert (data_dir / "instance.lock").exists()
    try:
        with qtbot.waitSignal(first.request_received, timeout=5000):
            assert claim_single_instance(data_dir, LaunchRequest()) is None
    finally:
        first.close()
    third = claim_single_instance(data_dir, LaunchRequest())
    assert third is not None, "closing released the lock: the next launch is the window again"
    third.close()


def _titles(data_dir: Path) -> list[str]:
    """Incident titles in the running app's database (none while it is still being created)."""
    try:
        with sqlite3.connect(f"file:{data_dir / 'helpdesk.sqlite3'}?mode=ro", uri=True, timeout=5) as connection:
            return [row[0] for row in connection.execute("SELECT title FROM incidents")]
    except sqlite3.OperationalError:
        return []


def _wait_for(condition, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_macos_file_open_event_is_delivered_like_an_argument(
    qtbot: QtBot, main_window: MainWindow, tmp_path: Path
) -> None:
    received: list[list[Path]] = []
    main_window.import_email_files = received.append
    app = QApplication.instance()
    event_filter = FileOpenFilter(main_window)
    app.installEventFilter(event_filter)
    try:
        QApplication.sendEvent(app, QFileOpenEvent(str(tmp_path / "from finder.msg")))
    finally:
        app.removeEventFilter(event_filter)
    assert received == [[tmp_path / "from finder.msg"]]
