"""One helper finds the program's files in a checkout, an installed wheel and a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.paths import migrations_dir, resources_dir

REPO = Path(__file__).resolve().parents[2]


def test_a_checkout_uses_its_resources_folder() -> None:
    assert resources_dir() == REPO / "resources"
    assert migrations_dir() == REPO / "desktop_app" / "db" / "migrations"


def test_a_frozen_bundle_uses_its_own_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert resources_dir() == tmp_path / "_internal" / "resources"


def test_a_wheel_uses_the_share_folder_of_its_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    site_packages = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    installed = tmp_path / "venv" / "share" / "helpdesk" / "resources"
    (installed / "icons").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", site_packages / "desktop_app")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert resources_dir() == installed
    assert migrations_dir() == site_packages / "desktop_app" / "db" / "migrations"


def test_a_user_install_uses_the_user_base(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed = tmp_path / "user" / "share" / "helpdesk" / "resources"
    installed.mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "user" / "lib" / "desktop_app")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere"))
    monkeypatch.setattr(paths.site, "getuserbase", lambda: str(tmp_path / "user"))
    assert resources_dir() == installed
