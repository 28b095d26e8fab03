"""``python main.py`` as a real process: it starts, and it refuses bad data or no display clearly."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop_app.context import open_context
from desktop_app.paths import AppPaths

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60


def run_app(data_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(data_dir), "--exit-when-idle"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


def test_starts_on_a_new_data_directory_and_reports_ready(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = run_app(data_dir)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^ready \d+(\.\d+)?$", result.stdout, re.MULTILINE), result.stdout
    assert AppPaths(data_dir).database.exists(), "the first start creates the database"


def test_starts_again_on_an_existing_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_context(data_dir).close()
    result = run_app(data_dir)
    assert result.returncode == 0, result.stderr
    assert "ready" in result.stdout


def test_corrupt_database_exits_3_and_leaves_the_file_alone(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = AppPaths(data_dir).database
    garbage = b"this is not a database " * 200 + bytes(range(256)) * 8
    database.write_bytes(garbage)
    result = run_app(data_dir)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert "helpdesk: error:" in result.stderr
    assert "cannot be read" in result.stderr
    assert str(database) in result.stderr, "the message names the file"
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == garbage, "the damaged file must be kept as it was"


def test_newer_schema_exits_3_with_a_clear_message(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_context(data_dir).close()
    database = AppPaths(data_dir).database
    connection = sqlite3.connect(database)
    try:
        with connection:
            connection.execute("UPDATE alembic_version SET version_num = 'zzzz_future'")
    finally:
        connection.close()
    result = run_app(data_dir)
    assert result.returncode == 3, result.stderr
    assert "newer version" in result.stderr
    assert "zzzz_future" in result.stderr
    assert "Traceback" not in result.stderr
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("zzzz_future",)]
    finally:
        connection.close()


def test_no_display_exits_2_with_the_xvfb_hint(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    data_dir = tmp_path / "data"
    result = run_app(data_dir, env)
    assert result.returncode == 2, result.stderr
    assert "no display" in result.stderr
    assert "xvfb-run" in result.stderr
    assert not data_dir.exists(), "nothing is created before the display is known"
