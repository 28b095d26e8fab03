"""helpdesk-cli category rename|move|deactivate|reactivate."""

from __future__ import annotations


def _paths(cli) -> list[str]:
    return [node["path"] for node in cli("categories", "--json").json()]


def test_rename_move_deactivate_reactivate(cli):
    renamed = cli("category", "rename", "network > vpn", "Remote access", "--json")
    moved = cli("category", "move", "Network > Remote access", "--to", "Hardware")
    top = cli("category", "move", "Hardware > Remote access", "--top", "--json")
    deactivated = cli("category", "deactivate", "Remote access")
    hidden = _paths(cli)
    listed_all = cli("categories", "--all").out
    reactivated = cli("category", "reactivate", "remote access", "--json")

    assert renamed.code == 0, renamed.err
    assert renamed.json()["category"]["path"] == "Network > Remote access"
    assert moved.out.strip() == "Hardware > Remote access: 1 category changed; syncs next round."
    assert top.json()["category"]["parent_id"] is None
    assert deactivated.out.startswith("Remote access (deactivated)")
    assert "Remote access" not in hidden
    assert "Remote access (deactivated)" in listed_all
    assert reactivated.json()["category"]["is_active"] is True
    assert "Remote access" in _paths(cli)


def test_clear_errors_exit_2(cli):
    clash = cli("category", "rename", "Network > DNS", "VPN")
    cycle = cli("category", "move", "Network", "--to", "Network > DNS")
    unknown = cli("category", "deactivate", "Nowhere")
    nowhere = cli("category", "move", "Network")

    assert (clash.code, cycle.code, unknown.code, nowhere.code) == (2, 2, 2, 2)
    assert "already a category “Network > VPN”" in clash.err
    assert "under itself" in cycle.err
    assert "There is no category 'Nowhere'" in unknown.err
    assert "--to" in nowhere.err
