"""`helpdesk-cli templates`, `reply NUMBER --template NAME [--send|--preview] [--json]` and `messages`."""

from __future__ import annotations

import json

from tests.support.smtp_server import LocalSmtpServer


def _incident(cli) -> None:
    created = cli(
        "create", "--description", "Printer jams on every page", "--title", "Printer jams",
        "--reporter", "Ada Lovelace", "--reporter-email", "ada@example.org",
    )  # fmt: skip
    assert created.code == 0, created.err


def test_templates_lists_the_seeded_ones(cli):
    result = cli("templates", "--json")
    assert result.code == 0, result.err
    assert [t["name"] for t in result.json()] == ["acknowledgement", "awaiting caller", "resolved", "workaround"]
    assert "every category" in cli("templates").out


def test_reply_previews_by_default_and_warns_about_missing_values(cli):
    _incident(cli)
    result = cli("reply", "INC-000001", "--template", "workaround", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["to"] == "ada@example.org"
    assert data["body"].startswith("Hello Ada,")
    assert data["warnings"] == ["No value for {workaround} on this incident: replace it in the text."]
    text = cli("reply", "1", "--template", "workaround", "--preview")
    assert "Subject: INC-000001: a workaround for Printer jams" in text.out
    assert "warning: No value for {workaround}" in text.err


def test_send_is_refused_while_a_value_is_missing(cli):
    _incident(cli)
    result = cli("reply", "1", "--template", "workaround", "--send")
    assert result.code == 2
    assert "{workaround}" in result.err
    assert cli("messages", "1", "--json").json() == []


def test_send_without_smtp_prints_a_mailto_url_and_logs_it(cli):
    _incident(cli)
    result = cli("reply", "1", "--template", "acknowledgement", "--send", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["state"] == "mail_client"
    assert data["mailto"].startswith("mailto:ada@example.org?subject=INC-000001%20received")
    [logged] = cli("messages", "1", "--json").json()
    assert logged["id"] == data["id"]
    shown = cli("show", "1", "--json").json()
    assert any(n["kind"] == "communication" for n in shown["notes"])


def test_send_through_smtp_and_an_unknown_template(cli, cli_data_dir):
    _incident(cli)
    server = LocalSmtpServer().start()
    settings = {"smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_security": "none", "smtp_sender": "d@x.org"}
    (cli_data_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    try:
        result = cli("reply", "1", "--template", "acknowledgement", "--send")
    finally:
        server.stop()
    assert result.code == 0, result.err
    assert "Sent by SMTP" in result.out
    assert [m["To"] for m in server.messages] == ["ada@example.org"]
    missing = cli("reply", "1", "--template", "nope")
    assert missing.code == 2
    assert "no template 'nope'" in missing.err
