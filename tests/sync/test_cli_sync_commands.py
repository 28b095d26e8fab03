"""helpdesk-cli's outbox, errors, resend, discard, conflicts and resolve, in process (no server needed)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from desktop_app.cli.main import main
from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentPatch
from sync_protocol.schemas import FieldConflict
from tests.support.builders import make_incident
from tests.sync.conftest import answer


class Cli:
    def __init__(self, context: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir = str(context.paths.data_dir)
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", self.data_dir, *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(connected: AppContext, capsys: pytest.CaptureFixture[str]) -> Cli:
    answer(connected)  # the first run's directory, accepted
    return Cli(connected, capsys)


def test_errors_lists_the_refusal_and_resend_fixes_it(connected: AppContext, cli: Cli) -> None:
    incident = make_incident(connected)
    answer(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Not allowed"))
    answer(connected, outcome="rejected", code="permission_denied", reason="Only the assignee may edit it.")

    code, out, _ = cli("errors")
    [error] = cli.json("errors")
    assert code == 0
    assert "permission_denied: Only the assignee may edit it." in out
    assert error["error_reason"] == "Only the assignee may edit it."

    code, out, err = cli("resend", f"#{error['seq']}", "--set", 'title="Allowed now"')
    assert code == 0, err
    assert out.startswith("Queued again as #")
    assert connected.incidents.get(incident.id).title == "Allowed now"
    assert cli.json("errors") == []
    states = {item["state"] for item in cli.json("outbox", "--all")}
    assert {"pending", "discarded", "applied"} <= states


def test_discard_by_id_prefix(connected: AppContext, cli: Cli) -> None:
    incident = make_incident(connected)
    answer(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Refused"))
    answer(connected, outcome="rejected", code="invalid_transition", reason="No.")
    [error] = cli.json("errors")

    code, out, _ = cli("discard", error["id"][:13])

    assert code == 0
    assert "Discarded" in out
    assert cli.json("status")["errors"] == 0
    assert cli("discard", "#999999")[0] == 2


def test_conflicts_and_resolve(connected: AppContext, cli: Cli) -> None:
    incident = make_incident(connected)
    answer(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Mine"))
    conflict = FieldConflict(field="title", base=incident.title, mine="Mine", theirs="Theirs", winner="theirs")
    answer(connected, outcome="conflict", conflicts=[conflict])

    code, out, _ = cli("conflicts")
    [listed] = cli.json("conflicts")
    assert code == 0
    assert "title" in out
    assert "Theirs" in out
    assert (listed["mine"], listed["theirs"], listed["winner"]) == ("Mine", "Theirs", "theirs")

    code, out, err = cli("resolve", listed["id"][:8], "--restore-mine")
    assert code == 0, err
    assert "title stays 'Mine'" in out
    assert connected.incidents.get(incident.id).title == "Mine"
    assert cli.json("conflicts") == []
    assert cli("resolve", listed["id"][:8], "--keep-theirs")[0] == 2  # no longer open


def test_status_json_has_the_counts(connected: AppContext, cli: Cli) -> None:
    make_incident(connected)
    status = cli.json("status")
    assert (status["pending"], status["errors"], status["conflicts"]) == (1, 0, 0)
    assert status["server_url"] == "https://helpdesk.example.test"
    assert status["health"] == "login_needed"
    code, out, _ = cli("status")
    assert code == 0
    assert "Pending     1" in out


def test_login_reads_the_password_from_the_environment_and_refuses_none(
    context: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(context, capsys)
    monkeypatch.delenv("HELPDESK_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = cli("login", "--server", "https://helpdesk.example.test", "--user", "ann")
    assert code == 2
    assert "No password given" in err
    code, _, err = cli("login", "--server", "http://desk.example.test", "--user", "ann")
    assert code == 2
    assert "plain http" in err
