"""`helpdesk-cli import-email` and `quarantine` on real email files and a real data directory."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CliRunner
from tests.mail import messages


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "mail"
    (inbox / "replies").mkdir(parents=True)
    first, second, third = messages.thread()
    (inbox / "1-report.eml").write_bytes(first.as_bytes())
    (inbox / "replies" / "2-reply.eml").write_bytes(second.as_bytes())
    (inbox / "replies" / "3-reply.EML").write_bytes(third.as_bytes())
    (inbox / "4-junk.eml").write_bytes(b"\x00\x01 not an email")
    (inbox / "readme.txt").write_text("not imported")
    return inbox


def test_import_email_json_reports_each_file(cli: CliRunner, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    result = cli("import-email", str(inbox), "--json")
    assert result.code == 2  # one file was quarantined
    data = result.json()
    outcomes = {Path(item["file"]).name: item for item in data["files"]}
    assert sorted(outcomes) == ["1-report.eml", "2-reply.eml", "3-reply.EML", "4-junk.eml"]
    assert outcomes["1-report.eml"]["outcome"] == "created"
    assert outcomes["1-report.eml"]["incident"] == "INC-000001"
    assert [outcomes[n]["outcome"] for n in ("2-reply.eml", "3-reply.EML")] == ["threaded", "threaded"]
    assert {outcomes[n]["incident"] for n in ("2-reply.eml", "3-reply.EML")} == {"INC-000001"}
    assert outcomes["4-junk.eml"]["outcome"] == "quarantined"
    assert "not a readable email" in outcomes["4-junk.eml"]["reason"]
    assert data["counts"] == {"created": 1, "threaded": 2, "duplicate": 0, "quarantined": 1, "failed": 0}

    again = cli("import-email", str(inbox / "1-report.eml"), "--json")
    assert again.code == 0
    [item] = again.json()["files"]
    assert item["outcome"] == "duplicate"
    assert "was imported before" in item["reason"]


def test_import_email_text_and_the_quarantine_commands(cli: CliRunner, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    result = cli("import-email", str(inbox / "1-report.eml"), str(inbox / "4-junk.eml"))
    assert "1-report.eml: created INC-000001" in result.out
    assert "4-junk.eml: quarantined – not a readable email" in result.err
    assert result.out.strip().endswith("1 created, 1 quarantined")

    listing = cli("quarantine", "--json").json()
    assert [entry["original_name"] for entry in listing] == ["4-junk.eml"]
    stored = Path(listing[0]["stored_path"])
    assert stored.read_bytes() == b"\x00\x01 not an email"

    retry = cli("quarantine", "retry", listing[0]["id"][:8])
    assert retry.code == 2
    assert "quarantined" in retry.out
    assert cli("quarantine", "discard", listing[0]["id"][:8]).code == 0
    assert cli("quarantine").out.strip() == "The quarantine is empty."
    assert not stored.exists()


def test_import_email_names_a_missing_file(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("import-email", str(tmp_path / "nowhere.eml"), "--json")
    assert result.code == 2
    [item] = result.json()["files"]
    assert item["outcome"] == "failed"
    assert "cannot be read" in item["reason"]
