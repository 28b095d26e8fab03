"""One window per user and data directory: a second launch hands its request over and exits.

Opening an ``.eml`` from the file manager while the help desk runs starts a second process. It
connects to the first one's QLocalServer (named after the user and the data directory), sends
one JSON line, e.g. ``{"emails": ["/home/ann/Downloads/call.eml"]}``, and quits; the running
window comes to the front and takes the files.

Who is first is decided by a lock file in the data directory (QLockFile: a crashed owner's lock is
taken over), so two launches a moment apart (a double-click on two .eml files) cannot both become
windows: the second waits for the first to listen. A socket left behind by a crash is removed.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QLockFile, QObject, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMainWindow

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_MS = 500
WRITE_TIMEOUT_MS = 2000
READ_TIMEOUT_MS = 1000
FIRST_INSTANCE_WAIT_S = 10  # how long a second launch waits for the first one to start listening
LOCK_FILE_NAME = "instance.lock"
MAX_MESSAGE_BYTES = 1_000_000


@dataclass(frozen=True)
class LaunchRequest:
    """What a launch asks of the window: come to the front, and import these email files."""

    emails: list[Path] = field(default_factory=list)

    def to_json(self) -> bytes:
        return json.dumps({"emails": [str(p) for p in self.emails]}).encode() + b"\n"

    @classmethod
    def from_json(cls, data: bytes) -> LaunchRequest:
        payload = json.loads(data.decode("utf-8"))
        return cls(emails=[Path(p) for p in payload.get("emails", []) if isinstance(p, str)])


def server_name(data_dir: Path) -> str:
    """Per user and data directory, so two agents on one PC (or a test's temp dir) never meet."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    user = "".join(c for c in getpass.getuser() if c.isalnum())[:32] or "user"
    return f"helpdesk-{user}-{digest}"


def hand_over(name: str, request: LaunchRequest) -> bool:
    """Send the request to a running instance; False if there is none (then this one runs)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(request.to_json())
    sent = socket.waitForBytesWritten(WRITE_TIMEOUT_MS) or socket.bytesToWrite() == 0
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(WRITE_TIMEOUT_MS)
    return sent


class InstanceServer(QObject):
    """Listens for later launches and emits what they asked for."""

    request_received = Signal(object)  # LaunchRequest

    def __init__(self, name: str, lock: QLockFile | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._lock = lock
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_server_new_connection)

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # Nobody answered hand_over, so a socket file with this name is a crashed run's leftover.
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        log.warning("single instance: cannot listen on %s: %s", self.name, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            line = _read_line(socket)
            socket.disconnectFromServer()
            socket.deleteLater()
            if line.strip():
                self._handle(line)

    def _handle(self, line: bytes) -> None:
        try:
            request = LaunchRequest.from_json(line)
        except (ValueError, AttributeError) as exc:
            log.warning("single instance: ignored a malformed message: %s", exc)
            return
        log.info("single instance: a new launch asked for %s", request)
        self.request_received.emit(request)


def _read_line(socket: QLocalSocket) -> bytes:
    """The sender writes its one line right after connecting, so this waits milliseconds at most."""
    buffer = bytearray()
    while b"\n" not in buffer and len(buffer) < MAX_MESSAGE_BYTES:
        if socket.bytesAvailable() == 0 and not socket.waitForReadyRead(READ_TIMEOUT_MS):
            break
        buffer += bytes(socket.readAll().data())
    return bytes(buffer).split(b"\n", 1)[0]


def claim_single_instance(data_dir: Path, request: LaunchRequest) -> InstanceServer | None:
    """None when a running window took ``request`` (this process should exit), else the listener."""
    name = server_name(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(data_dir / LOCK_FILE_NAME))
    lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
    if not lock.tryLock(0):
        deadline = time.monotonic() + FIRST_INSTANCE_WAIT_S
        while time.monotonic() < deadline:
            if hand_over(name, request):
                print("helpdesk: the help desk is already open; handed the request to its window", flush=True)
                return None
            time.sleep(0.1)
        log.warning("single instance: %s is locked but nobody answers on %s; starting anyway", data_dir, name)
        lock = None
    server = InstanceServer(name, lock)
    server.listen()
    return server


def deliver_request(window: QMainWindow, request: LaunchRequest) -> None:
    """Bring the window to the front and hand it the email files.

    The email import's entry point is the window's ``import_email_files(paths)`` (issue 6: the
    import with its progress dialog). A window without one says what it received instead.
    """
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    if not request.emails:
        return
    importer = getattr(window, "import_email_files", None)
    if callable(importer):
        importer(list(request.emails))
        return
    names = ", ".join(path.name for path in request.emails)
    log.warning("email import not available in this window; received %s", names)
    window.statusBar().showMessage(f"Received {names}, but this version cannot import email", 15000)


class FileOpenFilter(QObject):
    """macOS passes files from Finder's "Open With" as QFileOpenEvent, not as arguments.

    Installed on the application only there: an application-wide filter sees every event.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
            deliver_request(self._window, LaunchRequest(emails=[Path(event.file())]))
            return True
        return super().eventFilter(watched, event)
