"""CLI fixtures: an initialised data directory copied per test, and runners in-process or as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli.main import main
from desktop_app.paths import ENV_DATA_DIR


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CliRunner = Callable[..., CliResult]


@pytest.fixture(scope="session")
def initialised_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrating and initialising once is the slow part; each test gets a copy of the result."""
    template = tmp_path_factory.mktemp("template")
    assert main(["--data-dir", str(template), "init"]) == 0
    return template


@pytest.fixture
def cli_data_dir(initialised_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    target = tmp_path / "data"
    shutil.copytree(initialised_template, target)
    return target


@pytest.fixture
def cli(cli_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run `helpdesk-cli --data-dir <copy> ARGS...` in this process and capture what it printed."""

    def run(*args: str) -> CliResult:
        code = main(["--data-dir", str(cli_data_dir), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def cli_process() -> Callable[..., CliResult]:
    """Run `python -m desktop_app.cli.main ARGS...` as a real process, with a clean environment."""

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        environment = {key: value for key, value in os.environ.items() if key != ENV_DATA_DIR}
        environment.update(env or {})
        completed = subprocess.run(
            [sys.executable, "-m", "desktop_app.cli.main", *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run
