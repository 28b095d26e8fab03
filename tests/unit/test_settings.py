"""Typed settings: defaults, save/load round trip, and a broken file reported as a ValidationError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import ValidationError
from desktop_app.settings import Settings, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "settings.json")
    assert settings == Settings()
    assert settings.matrix().priority(1, 1) is Priority.P1


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "settings.json"
    rows = [["P1", "P1", "P2"], ["P2", "P3", "P3"], ["P3", "P4", "P5"]]
    save_settings(path, Settings(priority_matrix=rows, default_channel="email", queue_page_size=50))
    loaded = load_settings(path)
    assert loaded == Settings(priority_matrix=rows, default_channel="email", queue_page_size=50)
    assert loaded.matrix().priority(1, 2) is Priority.P1
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left behind


def test_save_replaces_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(queue_page_size=999))
    save_settings(path, Settings())
    assert json.loads(path.read_text(encoding="utf-8"))["queue_page_size"] == 200


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"queue_page_size": 10, "from_a_newer_version": True}), encoding="utf-8")
    assert load_settings(path) == Settings(queue_page_size=10)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        "[1, 2, 3]",
        '"a string"',
        json.dumps({"priority_matrix": [["P1"]]}),
        json.dumps({"priority_matrix": [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P9"]]}),
        json.dumps({"priority_matrix": 7}),
    ],
    ids=["broken-json", "empty", "list", "string", "short-matrix", "unknown-priority", "matrix-not-a-list"],
)
def test_corrupt_file_is_a_validation_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError):
        load_settings(path)
    assert path.read_text(encoding="utf-8") == content  # left for the person to fix


def test_undecodable_bytes_are_a_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValidationError, match="cannot be read"):
        load_settings(path)
