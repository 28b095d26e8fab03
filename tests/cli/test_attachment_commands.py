"""attach / attachments / export-attachment in-process, with real Pillow-made files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import images


@pytest.fixture
def incident(cli) -> str:
    result = cli("create", "--description", "Screen flickers after the update")
    assert result.code == 0, result.err
    return "INC-000001"


def test_attach_list_and_export_round_trip(cli, incident, tmp_path: Path) -> None:
    png = tmp_path / "flicker.png"
    png.write_bytes(images.png_bytes(seed=9))
    log = tmp_path / "driver.log"
    log.write_text("display driver reset\n", encoding="utf-8")
    attached = cli("attach", incident, str(png), str(log), "--caption", "from the caller")
    assert attached.code == 0, attached.err
    assert "Attached flicker.png" in attached.out
    listing = cli("attachments", incident, "--json").json()
    assert [(a["display_name"], a["mime_type"], a["caption"], a["local"]) for a in listing] == [
        ("flicker.png", "image/png", "from the caller", True),
        ("driver.log", "text/plain", "from the caller", True),
    ]
    assert "flicker.png" in cli("attachments", incident).out
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    exported = cli("export-attachment", incident, "flicker.png", str(out_dir))
    assert exported.code == 0, exported.err
    assert (out_dir / "flicker.png").read_bytes() == png.read_bytes()


def test_a_refused_file_is_named_with_its_rule_and_the_others_are_kept(cli, incident, tmp_path: Path) -> None:
    good = tmp_path / "ok.png"
    good.write_bytes(images.png_bytes())
    bomb = tmp_path / "huge.png"
    bomb.write_bytes(images.bomb_png())
    result = cli("attach", incident, str(bomb), str(good), "--json")
    assert result.code == 2
    data = result.json()
    assert [a["display_name"] for a in data["attached"]] == ["ok.png"]
    [message] = data["refused"]
    assert message.startswith("huge.png:")
    assert "Mpx" in message


def test_export_of_an_unknown_name_exits_2(cli, incident, tmp_path: Path) -> None:
    result = cli("export-attachment", incident, "nope.png", str(tmp_path))
    assert result.code == 2
    assert "no attachment named 'nope.png'" in result.err
