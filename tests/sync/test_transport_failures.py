"""Transport failures against a tiny local stand-in (an http.server on 127.0.0.1), never a real protocol:
dropped connections, 500s, answers slower than the timeout, nothing listening. Each becomes a typed error,
and a sync that meets one loses nothing.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from desktop_app.cli.main import main
from desktop_app.context import AppContext
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sync_errors import AuthRequired, ProtocolError, ServerUnreachable
from desktop_app.sync.credentials import SERVICE, credential_key
from desktop_app.sync.dtos import SyncHealth
from desktop_app.sync.http import DEFAULT_TIMEOUT, ApiClient, normalise_server_url
from desktop_app.sync.store import state_row
from tests.support.builders import make_incident
from tests.support.database import rows
from tests.support.fakes import MemoryKeyring


class StandIn(BaseHTTPRequestHandler):
    """Misbehaves as ``server.behaviour`` says: drop, error, slow, garbage, redirect."""

    server: Any

    def _misbehave(self) -> None:
        behaviour = self.server.behaviour
        self.server.hits += 1
        if behaviour == "drop":
            self.request.shutdown(socket.SHUT_RDWR)
            return
        if behaviour == "slow":
            time.sleep(1.0)
        if behaviour == "redirect":
            self.send_response(302)
            self.send_header("Location", "https://elsewhere.example.test/sync/info")
            self.end_headers()
            return
        status, body = {
            "error": (500, json.dumps({"detail": {"code": "internal_error", "message": "boom"}})),
            "garbage": (200, "<html>not json</html>"),
            "slow": (200, "{}"),
        }[behaviour]
        encoded = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def do_GET(self) -> None:
        self._misbehave()

    def do_POST(self) -> None:
        self._misbehave()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the test output is for the tests


@pytest.fixture
def stand_in() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.behaviour = "error"  # type: ignore[attr-defined]
    server.hits = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _dead_url() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("behaviour", "error", "words"),
    [
        ("drop", ServerUnreachable, "cannot be reached"),
        ("error", ServerUnreachable, "HTTP 500: boom"),
        ("slow", ServerUnreachable, "did not answer in time"),
        ("garbage", ProtocolError, "not JSON"),
        ("redirect", ProtocolError, "redirects to https://elsewhere.example.test"),
    ],
)
def test_each_failure_is_a_typed_error_with_a_clear_message(
    stand_in: ThreadingHTTPServer, behaviour: str, error: type[Exception], words: str
) -> None:
    stand_in.behaviour = behaviour  # type: ignore[attr-defined]
    api = ApiClient(_url(stand_in), timeout=(0.5, 0.3))
    with pytest.raises(error, match=words):
        api.info()


def test_nothing_listening_is_unreachable() -> None:
    with pytest.raises(ServerUnreachable, match="connection refused"):
        ApiClient(_dead_url(), timeout=(0.5, 0.5)).info()


def test_every_request_has_the_timeouts_and_verifies_tls(stand_in: ThreadingHTTPServer) -> None:
    seen: list[dict[str, Any]] = []

    class Recording(requests.Session):
        def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
            seen.append(kwargs)
            return super().request(method, url, *args, **kwargs)

    stand_in.behaviour = "garbage"  # type: ignore[attr-defined]
    with pytest.raises(ProtocolError):
        ApiClient(_url(stand_in), session=Recording()).info()
    assert DEFAULT_TIMEOUT == (5.0, 30.0)
    assert [(k["timeout"], k["verify"], k["allow_redirects"]) for k in seen] == [((5.0, 30.0), True, False)]


def test_a_500_on_an_authenticated_call_is_not_retried(stand_in: ThreadingHTTPServer) -> None:
    class Tokens:
        def access_token(self) -> str:
            return "access"

        def refreshed_access_token(self) -> str:
            raise AssertionError("a 500 is not a reason to refresh")

    api = ApiClient(_url(stand_in), timeout=(0.5, 0.5))
    api.tokens = Tokens()
    with pytest.raises(ServerUnreachable):
        api.pull(0, 10)
    assert stand_in.hits == 1  # type: ignore[attr-defined]


def test_plain_http_is_only_for_this_machine() -> None:
    assert normalise_server_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert normalise_server_url("https://desk.example.org/") == "https://desk.example.org"
    with pytest.raises(ValidationError, match="plain http"):
        normalise_server_url("http://desk.example.org")
    with pytest.raises(ValidationError, match="not a server address"):
        normalise_server_url("desk.example.org")


def _point_at(context: AppContext, url: str, keyring: MemoryKeyring) -> None:
    with context.sync.store.write() as scope:
        row = state_row(scope.session)
        row.server_url, row.username, row.bootstrap_done = url, "tester", True
    keyring.set_password(SERVICE, credential_key(url, "tester"), "a-refresh-token")


def test_a_sync_that_cannot_reach_the_server_loses_nothing(
    context: AppContext, stand_in: ThreadingHTTPServer, memory_keyring: MemoryKeyring
) -> None:
    _point_at(context, _url(stand_in), memory_keyring)
    make_incident(context, "Logged in the basement")
    before = rows(context, "SELECT id, seq, state, wire_seq FROM outbox ORDER BY seq")

    with pytest.raises(ServerUnreachable):
        context.sync.sync_once()

    assert rows(context, "SELECT id, seq, state, wire_seq FROM outbox ORDER BY seq") == before
    status = context.sync.status()
    assert status.health == SyncHealth.FAILING
    assert status.last_error_code == "server_unreachable"
    assert "HTTP 500" in (status.last_error or "")
    assert status.label.startswith("Not synced")


def test_no_stored_session_asks_for_a_login(context: AppContext) -> None:
    with context.sync.store.write() as scope:
        row = state_row(scope.session)
        row.server_url, row.username = "https://helpdesk.example.test", "tester"
    with pytest.raises(AuthRequired, match="log in first"):
        context.sync.sync_once()
    assert context.sync.status().health == SyncHealth.LOGIN_NEEDED


def test_cli_sync_against_an_unreachable_server_exits_4(
    context: AppContext, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _dead_url()
    _point_at(context, url, memory_keyring)
    make_incident(context)
    pending = context.sync.status().pending
    data_dir = str(context.paths.data_dir)
    context.close()

    code = main(["--data-dir", data_dir, "sync"])

    err = capsys.readouterr().err
    assert code == 4
    assert f"helpdesk-cli: error: The server {url} cannot be reached" in err
    assert "your changes are kept" in err
    assert "Traceback" not in err
    assert main(["--data-dir", data_dir, "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["pending"] == pending
    assert (status["health"], status["last_error_code"]) == ("failing", "server_unreachable")


def test_cli_status_offline_only(context: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = str(context.paths.data_dir)
    assert main(["--data-dir", data_dir, "status"]) == 0
    assert capsys.readouterr().out.startswith("Offline only")
    assert main(["--data-dir", data_dir, "sync"]) == 2
    assert "works offline only" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "status", "--reason", "caller"]) == 2
    assert main(["--data-dir", data_dir, "status", "INC-000001"]) == 2
