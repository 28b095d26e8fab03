"""Grab the sync screens to PNGs, against a real ``helpdesk-server`` process, as a person would see them.

Run under a real X server: ``scripts/xvfb-screenshot.sh .venv/bin/python scripts/sync_screenshots.py OUT_DIR``.

Starts a server on SQLite in a temp dir, adds users, signs a client in through the login dialog,
makes one refused change (a technician taking someone else's incident) and one conflict (the same
title edited on two clients), then saves: the login dialog (filled, refused, no keyring), the status
bar in each state, the main window, the Errors view, the Conflicts inbox and the Outbox.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keyring
import requests
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError, PasswordDeleteError
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.context import AppContext, open_context
from desktop_app.domain.dtos import IncidentDraft, IncidentPatch, ReporterDraft
from desktop_app.sync.dtos import SyncProgress
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.sync.integration import SyncUi, install_sync_ui
from desktop_app.views.tasks import SyncTaskRunner

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


class MemoryKeyring(KeyringBackend):
    """Never the OS keyring of the machine running the script."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class NoKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.env = dict(os.environ, PYTHONPATH=str(REPO), HELPDESK_PASSWORD=PASSWORD)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "central_server.cli", "--data-dir", str(self.data_dir), *args]

    def add_user(self, name: str, role: str, group: str) -> None:
        command = self._cli("user", "add", name, "--role", role, "--name", name.capitalize(), "--group", group)
        subprocess.run(command, env=self.env, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("ab")
        serve = self._cli("serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning")
        self.process = subprocess.Popen(serve, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("helpdesk-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)
            self.process = None


def settle(app: QApplication, ms: int = 250) -> None:
    QTest.qWait(ms)
    app.processEvents()


def save(widget: QWidget, out_dir: Path, name: str) -> None:
    widget.grab().save(str(out_dir / f"{name}.png"))
    print(f"  {name}.png")


def seed(context: AppContext, group_name: str) -> None:
    group = context.directory.find_group(group_name).id
    for name, email, text in (
        ("Ada Lovelace", "ada@example.org", "Printer on floor 3 jams on every page"),
        ("Alan Turing", "alan@example.org", "VPN drops every hour since this morning's update"),
        ("Grace Hopper", "grace@example.org", "Cannot reach the finance share from the laptop"),
    ):
        reporter = context.reporters.create(ReporterDraft(name=name, email=email)).value
        context.incidents.create(IncidentDraft(description=text, reporter_id=reporter.id, group_id=group))


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "artifacts/sync-shots")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sync-shots-"))
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    server = Server(work / "server")
    server.data_dir.mkdir()
    for name, role, group in (
        ("alice", "technician", "Field Services"),
        ("carol", "technician", "Field Services"),
        ("bob", "supervisor", "Service Desk"),
    ):
        server.add_user(name, role, group)
    server.start()
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    alice = open_context(work / "alice")
    bob = open_context(work / "bob")
    try:
        shoot(app, out_dir, server, alice, bob, memory)
    finally:
        alice.close()
        bob.close()
        server.stop()
    print(f"screenshots in {out_dir}")
    return 0


def shoot(
    app: QApplication, out_dir: Path, server: Server, alice: AppContext, bob: AppContext, memory: MemoryKeyring
) -> None:
    runner, bus = SyncTaskRunner(), ChangeBus()
    window = MainWindow(alice, runner, bus)
    window.resize(1500, 860)
    window.show()
    install_sync_ui(window, alice, runner, bus)
    ui = window.findChild(SyncUi)
    assert ui is not None
    settle(app)
    save(window.statusBar(), out_dir, "status_offline_only")

    # The login dialog: filled in, refused, then (on a computer without a keyring) signed in.
    dialog = ui.open_login()
    settle(app)
    QTest.keyClicks(dialog.server_url, server.url)
    QTest.keyClicks(dialog.username, "alice")
    QTest.keyClicks(dialog.password, "not my password")
    settle(app)
    save(dialog, out_dir, "login_dialog")
    dialog.buttons.accepted.emit()
    settle(app)
    save(dialog, out_dir, "login_refused")
    keyring.set_keyring(NoKeyring())
    dialog.password.setText(PASSWORD)
    dialog.buttons.accepted.emit()
    settle(app)
    save(dialog, out_dir, "login_no_keyring")
    dialog.accept()
    keyring.set_keyring(memory)
    alice.sync.login(server.url, "alice", PASSWORD)  # again, now remembered in the (memory) keyring
    ui.controller.sync_now()
    settle(app)

    bob.sync.login(server.url, "bob", PASSWORD)
    bob.sync.sync_once()
    seed(bob, "Field Services")
    group = bob.directory.find_group("Field Services").id
    carol = bob.directory.find_agent("carol").id
    taken = bob.incidents.create(
        IncidentDraft(description="Docking station in room 7 is dead", group_id=group, assignee_id=carol)
    ).value
    bob.sync.sync_once()
    ui.controller.sync_now()
    settle(app)
    save(window.statusBar(), out_dir, "status_up_to_date")

    # A refused change: Alice takes Carol's incident. A conflict: both retitle the same incident.
    me = alice.directory.find_agent("alice").id
    bus.publish(alice.incidents.assign(taken.id, group_id=group, assignee_id=me).changes)
    clash = alice.incidents.create(IncidentDraft(description="Laptop will not boot after the update", group_id=group))
    bus.publish(clash.changes)
    ui.controller.refresh_status()
    settle(app)
    save(window.statusBar(), out_dir, "status_pending")
    ui.controller.sync_now()
    bob.sync.sync_once()
    bus.publish(alice.incidents.update(clash.value.id, IncidentPatch(title="Laptop: failed disk, replace")).changes)
    time.sleep(0.02)
    bob.incidents.update(clash.value.id, IncidentPatch(title="Laptop: BIOS password locked"))
    bob.sync.sync_once()
    ui.controller.sync_now()
    settle(app)
    save(window.statusBar(), out_dir, "status_errors_conflicts")
    save(window, out_dir, "main_window")

    ui.controller.syncing, ui.controller.progress = True, SyncProgress("push", 120, 500)
    ui.indicator.update_state()
    settle(app)
    save(window.statusBar(), out_dir, "status_syncing")
    ui.controller.syncing, ui.controller.progress = False, None

    errors = ui.open_errors()
    settle(app)
    save(errors, out_dir, "errors_view")
    conflicts = ui.open_conflicts()
    settle(app)
    save(conflicts, out_dir, "conflicts_inbox")
    outbox = ui.open_outbox()
    settle(app)
    save(outbox, out_dir, "outbox_view")
    for each in (errors, conflicts, outbox):
        each.hide()

    server.stop()
    bus.publish(alice.incidents.update(taken.id, IncidentPatch(workaround="Use the spare dock in room 9")).changes)
    ui.controller.sync_now()
    settle(app)
    save(window.statusBar(), out_dir, "status_unreachable")
    ui.controller.stop()


if __name__ == "__main__":
    sys.exit(main())
