"""The wheel (what `pip install '.[server]'` builds) carries the code, both sets of migrations,
the icons and stylesheet, and the three programs; the server extra names the server's libraries."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from desktop_app import __version__

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "desktop_app", "central_server", "sync_protocol", "resources")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Built from a copy of the sources, so the checkout gets no build/ or egg-info from it."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(out)],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("helpdesk-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_the_wheel_holds_the_code_and_both_migration_chains(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "desktop_app/app.py" in names
    assert "central_server/cli.py" in names
    assert "desktop_app/db/migrations/env.py" in names
    assert "desktop_app/db/migrations/versions/0001_initial.py" in names
    assert "central_server/db/migrations/env.py" in names
    assert "sync_protocol/PROTOCOL.md" in names
    assert not any(name.startswith("tests/") for name in names)


def test_the_wheel_installs_the_resources_where_the_path_helper_looks(wheel: zipfile.ZipFile) -> None:
    data = f"helpdesk-{__version__}.data/data/share/helpdesk/resources/"
    names = set(wheel.namelist())
    assert data + "styles/app.qss" in names
    assert data + "icons/helpdesk.svg" in names
    assert data + "icons/app/helpdesk-48.png" in names


def test_the_wheel_declares_the_programs_and_the_server_extra(wheel: zipfile.ZipFile) -> None:
    entry_points = wheel.read(f"helpdesk-{__version__}.dist-info/entry_points.txt").decode()
    assert "helpdesk-server = central_server.cli:main" in entry_points
    assert "helpdesk-cli = desktop_app.cli.main:main" in entry_points
    assert "[gui_scripts]\nhelpdesk = desktop_app.app:main" in entry_points
    metadata = wheel.read(f"helpdesk-{__version__}.dist-info/METADATA").decode()
    assert "Provides-Extra: server" in metadata
    for requirement in ("fastapi", "uvicorn", "psycopg", "argon2-cffi", "PyJWT"):
        assert any(
            line.startswith(f"Requires-Dist: {requirement}") and 'extra == "server"' in line
            for line in metadata.splitlines()
        ), requirement
