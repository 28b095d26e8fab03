"""helpdesk-server user and group commands, in process, on a SQLite data dir; the API sees the result."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pytest

from central_server.app import create_app
from central_server.cli import main
from central_server.settings import settings_from_environment

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HELPDESK_PASSWORD", "first password")
    monkeypatch.delenv("HELPDESK_SERVER_SECRET", raising=False)
    return str(tmp_path / "server")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _login(data_dir: str, username: str, password: str) -> int:
    app = create_app(settings_from_environment(data_dir))
    with TestClient(app) as http:
        body = {"username": username, "password": password, "client_id": "0190c0de-0000-7000-8000-000000000001"}
        return http.post("/auth/login", json=body).status_code


def test_user_add_makes_missing_groups_and_the_user_can_log_in(data_dir, capsys):
    code, out, _ = _run(capsys, "--data-dir", data_dir, "user", "add", "Terry", "--role", "technician",
                        "--group", "Field", "--name", "Terry Tester", "--email", "terry@example.com")  # fmt: skip
    listed_code, listed, _ = _run(capsys, "--data-dir", data_dir, "user", "list", "--json")

    assert code == listed_code == 0
    assert out.splitlines() == ["created group Field", "added technician Terry"]
    [terry] = json.loads(listed)
    assert {k: terry[k] for k in ("username", "name", "email", "role", "is_active", "groups", "can_log_in")} == {
        "username": "terry",
        "name": "Terry Tester",
        "email": "terry@example.com",
        "role": "technician",
        "is_active": True,
        "groups": ["Field"],
        "can_log_in": True,
    }
    assert _login(data_dir, "terry", "first password") == 200


def test_password_from_stdin_and_passwd_replaces_it(data_dir, capsys, monkeypatch):
    monkeypatch.delenv("HELPDESK_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO("stdin password\n"))
    assert _run(capsys, "--data-dir", data_dir, "user", "add", "sam", "--role", "agent")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("changed password\n"))

    code, out, _ = _run(capsys, "--data-dir", data_dir, "user", "passwd", "sam")

    assert code == 0
    assert out.strip() == "password set for sam"
    assert _login(data_dir, "sam", "stdin password") == 401
    assert _login(data_dir, "sam", "changed password") == 200


def test_disable_group_add_and_members(data_dir, capsys):
    for name in ("ann", "bob"):
        _run(capsys, "--data-dir", data_dir, "user", "add", name, "--role", "agent")

    group = _run(capsys, "--data-dir", data_dir, "group", "add", "Network")
    members = _run(capsys, "--data-dir", data_dir, "group", "members", "network", "ann", "BOB")
    again = _run(capsys, "--data-dir", data_dir, "group", "members", "Network", "ann")
    disabled = _run(capsys, "--data-dir", data_dir, "user", "disable", "bob")
    listed = {
        row["username"]: row for row in json.loads(_run(capsys, "--data-dir", data_dir, "user", "list", "--json")[1])
    }

    assert group[:2] == (0, "added group Network\n")
    assert members[:2] == (0, "added to network: ann, bob\n")
    assert again[1] == "added to Network: nobody new\n"
    assert disabled[0] == 0
    assert listed["ann"]["groups"] == listed["bob"]["groups"] == ["Network"]
    assert (listed["bob"]["is_active"], listed["bob"]["can_log_in"]) == (False, False)
    assert _login(data_dir, "bob", "first password") == 401


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["user", "disable", "ghost"], "There is no user 'ghost'"),
        (["group", "members", "Nowhere", "ghost"], "There is no group 'Nowhere'"),
        (["user", "add", "dup", "--role", "agent"], "The user 'dup' already exists"),
    ],
)
def test_refusals_exit_2_with_a_message(data_dir, capsys, argv, message):
    _run(capsys, "--data-dir", data_dir, "user", "add", "dup", "--role", "agent")

    code, _out, err = _run(capsys, "--data-dir", data_dir, *argv)

    assert code == 2
    assert err.startswith(f"helpdesk-server: error: {message}")
    assert "Traceback" not in err


def test_short_passwords_and_bad_roles_are_refused(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("HELPDESK_PASSWORD", "short")

    short = _run(capsys, "--data-dir", data_dir, "user", "add", "tim", "--role", "agent")
    bad_role = _run(capsys, "--data-dir", data_dir, "user", "add", "tim", "--role", "boss")

    assert short[0] == bad_role[0] == 2
    assert "at least 8 characters" in short[2]
    assert "invalid choice: 'boss'" in bad_role[2]
