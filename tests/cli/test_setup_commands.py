"""init, seed-demo, the global error handling and the settings file, in-process."""

from __future__ import annotations

import pytest

from desktop_app.cli import queue_commands
from desktop_app.cli.main import main
from desktop_app.paths import ENV_DATA_DIR


def test_init_on_an_initialised_directory_adds_nothing(cli, cli_data_dir):
    text = cli("init")
    report = cli("init", "--json").json()

    assert text.code == 0
    assert text.out.startswith(f"The help desk in {cli_data_dir.resolve()} was already initialised.")
    assert report["created"] is False
    assert (report["categories_added"], report["groups_added"]) == (0, 0)
    assert report["categories"] == 35
    assert report["groups"] == 3
    assert report["incidents"] == 0


def test_init_reports_a_first_run(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path), "init"])
    out = capsys.readouterr().out

    assert code == 0
    assert out.startswith(f"Initialised a new help desk in {tmp_path.resolve()}")
    assert "Categories   35 (35 added now)" in out
    assert "Groups       3 (3 added now)" in out


def test_seed_demo_then_list_show_and_create_continue_the_numbering(cli):
    cli("create", "--description", "Logged before the demo data")

    seeded = cli("seed-demo", "--incidents", "300", "--reporters", "50", "--seed", "7", "--json")

    assert seeded.code == 0, seeded.err
    summary = seeded.json()
    assert (summary["incidents_added"], summary["reporters_added"]) == (300, 50)
    assert (summary["first_number"], summary["last_number"]) == (2, 301)
    assert summary["incidents_total"] == 301
    assert summary["elapsed_seconds"] >= 0
    assert "seed-demo: incidents 300/300 (100%)" in seeded.err

    listed = cli("list", "--json", "--limit", "5").json()
    assert len(listed) == 5
    assert all(item["number"].startswith("INC-") for item in listed)
    shown = cli("show", "INC-000002", "--json").json()
    assert shown["number"] == "INC-000002"
    assert shown["category_path"]
    assert shown["history"] == []  # demo rows carry no audit history

    created = cli("create", "--description", "After the demo data", "--json").json()
    assert created["number"] == "INC-000302"


def test_seed_demo_text_summary(cli):
    result = cli("seed-demo", "--incidents", "20", "--reporters", "5", "--seed", "1", "--quiet")

    assert result.code == 0, result.err
    assert result.err == ""
    assert result.out.startswith("Added 20 demo incidents (INC-000001 to INC-000020), 5 reporters")


def test_seed_demo_refuses_negative_counts(cli):
    result = cli("seed-demo", "--incidents", "-5")

    assert result.code == 2
    assert "is negative" in result.err


def test_broken_settings_file_is_a_user_error(cli, cli_data_dir):
    (cli_data_dir / "settings.json").write_text("[1, 2, 3]", encoding="utf-8")

    result = cli("list")

    assert result.code == 2
    assert "The settings file" in result.err
    assert "must hold a JSON object" in result.err


def test_unexpected_failure_exits_1_with_a_short_message(cli, monkeypatch):
    def explode(context, args):
        raise RuntimeError("boom")

    monkeypatch.setattr(queue_commands, "cmd_list", explode)

    quiet = cli("list")
    debug = cli("--debug", "list")

    assert quiet.code == 1
    assert (
        quiet.err.strip()
        == "helpdesk-cli: error: unexpected failure: RuntimeError: boom (run with --debug for the traceback)"
    )
    assert "Traceback" not in quiet.err
    assert debug.code == 1
    assert "Traceback" in debug.err


def test_data_dir_variable_is_used_without_the_option(cli_data_dir, monkeypatch, capsys):
    monkeypatch.setenv(ENV_DATA_DIR, str(cli_data_dir))

    code = main(["whoami", "--json"])

    assert code == 0
    assert str(cli_data_dir.resolve()) in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["list", "--help"]])
def test_help_exits_0(argv, capsys):
    assert main(argv) == 0
    assert "usage: helpdesk-cli" in capsys.readouterr().out


def test_missing_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err
