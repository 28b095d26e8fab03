"""End to end through a real process: exit codes, stderr, no tracebacks, the data directory variable."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop_app.paths import ENV_DATA_DIR


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_is_idempotent_and_then_create_and_show_work(cli_process, tmp_path):
    data = str(tmp_path / "desk")

    first = cli_process("--data-dir", data, "init", "--json")
    second = cli_process("--data-dir", data, "init", "--json")

    assert first.code == 0, first.err
    assert first.json()["created"] is True
    assert first.json()["categories_added"] == first.json()["categories"] > 0
    assert second.code == 0
    assert second.json()["created"] is False
    assert second.json()["categories_added"] == second.json()["groups_added"] == 0
    assert second.json()["categories"] == first.json()["categories"]

    created = cli_process("--data-dir", data, "create", "--description", "Mouse is dead", "--reporter", "Ann Lee")
    shown = cli_process("--data-dir", data, "show", "INC-000001")
    assert created.code == 0, created.err
    assert created.out.startswith("Created INC-000001")
    assert "Mouse is dead" in shown.out
    assert "Ann Lee" in shown.out


def test_refused_command_exits_2_with_message_and_no_traceback(cli_process, tmp_path):
    result = cli_process("--data-dir", str(tmp_path), "create", "--description", "x", "--category", "Nope > Nothing")

    assert result.code == 2
    assert result.err.startswith("helpdesk-cli: error: There is no category 'Nope > Nothing'")
    assert "Traceback" not in result.err
    assert result.out == ""


def test_corrupt_database_exits_3_with_clear_message(cli_process, tmp_path):
    (tmp_path / "helpdesk.sqlite3").write_bytes(b"this is not a database \x00\xff" * 300)

    result = cli_process("--data-dir", str(tmp_path), "list")

    assert result.code == 3
    assert "helpdesk-cli: error: The database file" in result.err
    assert "cannot be read" in result.err
    assert "Traceback" not in result.err


def test_newer_schema_exits_3_and_leaves_the_file_untouched(cli_process, initialised_template, tmp_path):
    database = tmp_path / "helpdesk.sqlite3"
    source = sqlite3.connect(initialised_template / "helpdesk.sqlite3")
    target = sqlite3.connect(database)
    source.backup(target)
    source.close()
    target.execute("UPDATE alembic_version SET version_num = '9999_future'")
    target.commit()
    target.close()
    before = _digest(database)

    result = cli_process("--data-dir", str(tmp_path), "list")

    assert result.code == 3
    assert "newer version of the help desk (schema 9999_future)" in result.err
    assert "Traceback" not in result.err
    assert _digest(database) == before
    assert not (tmp_path / "backups").exists()


def test_data_dir_variable_chooses_the_directory(cli_process, tmp_path):
    chosen = tmp_path / "from-env"

    result = cli_process("whoami", "--json", env={ENV_DATA_DIR: str(chosen)})

    assert result.code == 0, result.err
    assert result.json()["data_dir"] == str(chosen.resolve())
    assert (chosen / "helpdesk.sqlite3").exists()


def test_usage_error_exits_2(cli_process, tmp_path):
    result = cli_process("--data-dir", str(tmp_path), "status", "1", "sideways")

    assert result.code == 2
    assert "unknown status 'sideways'" in result.err
    assert "Traceback" not in result.err


def test_cli_never_imports_qt(tmp_path):
    """import-linter checks the imports it can see; this checks what a real run loads."""
    script = (
        "import sys\n"
        "from desktop_app.cli.main import main\n"
        f"code = main(['--data-dir', {str(tmp_path)!r}, 'list'])\n"
        "sys.exit(10 if any(name.split('.')[0] == 'PySide6' for name in sys.modules) else code)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "No incidents yet."
