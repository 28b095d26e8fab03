"""The PostgreSQL fixture finds the binaries, or names the Debian package to install."""

from __future__ import annotations

from pathlib import Path

from tests.server.postgres import INSTALL_HINT, find_bindir


def _fake_install(root: Path, version: str) -> Path:
    bindir = root / version / "bin"
    bindir.mkdir(parents=True)
    for name in ("initdb", "pg_ctl"):
        (bindir / name).write_text("#!/bin/sh\n")
        (bindir / name).chmod(0o755)
    return bindir


def test_the_newest_debian_install_is_found_when_path_has_none(tmp_path):
    _fake_install(tmp_path, "13")
    newest = _fake_install(tmp_path, "16")

    assert find_bindir(tmp_path, path="") == newest


def test_path_wins_over_the_debian_layout(tmp_path):
    on_path = _fake_install(tmp_path / "path", "any")
    _fake_install(tmp_path / "lib", "16")

    assert find_bindir(tmp_path / "lib", path=str(on_path)) == on_path


def test_without_binaries_the_hint_names_the_package_and_the_skip_switch(tmp_path):
    assert find_bindir(tmp_path, path="") is None
    assert "Debian package `postgresql`" in INSTALL_HINT
    assert "HELPDESK_SKIP_PG=1" in INSTALL_HINT
