"""update_category: admins rename, move and (de)activate categories; paths of whole subtrees follow."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from central_server.models import Category, MutationLogEntry


def _tree(client) -> dict[str, uuid.UUID]:
    """Network > VPN > Tokens, Network > DNS, Hardware: created through the protocol, ids by path."""
    ids = {path: uuid.uuid4() for path in ("Network", "Network > VPN", "Network > VPN > Tokens", "Network > DNS")}
    ids["Hardware"] = uuid.uuid4()
    for path, category_id in ids.items():
        parent = path.rpartition(" > ")[0]
        result = client.push_one("create_category", category_id, {"path": path, "parent_id": ids.get(parent)})
        assert result["outcome"] == "applied", result
    return ids


def _pulled(client) -> dict[str, dict]:
    changes, _ = client.pull_all()
    latest = {c["entity_id"]: c["data"] for c in changes if c["entity"] == "category"}
    return {data["path"]: data for data in latest.values()}


def _stored(server) -> dict[str, tuple[str, bool]]:
    with server.ctx.sessions() as session:
        return {c.path: (c.path_key, c.is_active) for c in session.scalars(select(Category))}


def test_rename_and_move_rewrite_the_whole_subtree_and_pull_carries_it(server):
    admin = server.user_client("admin")
    ids = _tree(admin)

    renamed = admin.push_one("update_category", ids["Network > VPN"], {"name": "  Remote   access "})
    moved = admin.push_one("update_category", ids["Network > VPN"], {"parent_id": ids["Hardware"]})

    assert renamed["outcome"] == moved["outcome"] == "applied"
    pulled = _pulled(admin)
    assert pulled["Hardware > Remote access"]["id"] == str(ids["Network > VPN"])
    assert pulled["Hardware > Remote access"]["parent_id"] == str(ids["Hardware"])
    tokens = pulled["Hardware > Remote access > Tokens"]
    assert (tokens["id"], tokens["name"], tokens["is_active"]) == (str(ids["Network > VPN > Tokens"]), "Tokens", True)
    stored = _stored(server)
    assert stored["Hardware > Remote access > Tokens"][0] == "hardware > remote access > tokens"
    assert not any(path.startswith("Network > VPN") for path in stored)
    # Back to the top level: parent_id null.
    top = admin.push_one("update_category", ids["Network > VPN"], {"parent_id": None})
    assert top["outcome"] == "applied"
    assert _pulled(admin)["Remote access"]["parent_id"] is None


def test_clashes_cycles_and_empty_names_are_refused_with_a_reason(server):
    admin = server.user_client("admin")
    ids = _tree(admin)

    clash = admin.push_one("update_category", ids["Network > DNS"], {"name": "vpn"})
    under_itself = admin.push_one("update_category", ids["Network"], {"parent_id": ids["Network > VPN > Tokens"]})
    empty = admin.push_one("update_category", ids["Network > DNS"], {"name": "   "})
    separator = admin.push_one("update_category", ids["Network > DNS"], {"name": "DNS > Internal"})
    nothing = admin.push_one("update_category", ids["Network > DNS"], {})
    case_only = admin.push_one("update_category", ids["Network > DNS"], {"name": "dns"})

    for result in (clash, under_itself, empty, separator, nothing):
        assert (result["outcome"], result["code"]) == ("rejected", "validation_error"), result
    assert "already a category “Network > VPN”" in clash["reason"]
    assert "under itself" in under_itself["reason"]
    assert case_only["outcome"] == "applied"  # its own name in other letters is no clash
    assert "Network > dns" in _stored(server)


def test_deactivation_cascades_and_reactivation_needs_an_active_parent(server):
    admin = server.user_client("admin")
    ids = _tree(admin)

    off = admin.push_one("update_category", ids["Network"], {"is_active": False})
    child_on = admin.push_one("update_category", ids["Network > VPN"], {"is_active": True})
    move_under = admin.push_one("update_category", ids["Hardware"], {"parent_id": ids["Network"]})

    assert off["outcome"] == "applied"
    assert (child_on["outcome"], move_under["outcome"]) == ("rejected", "rejected")
    assert "reactivate it first" in child_on["reason"]
    pulled = _pulled(admin)
    assert [pulled[p]["is_active"] for p in ("Network", "Network > VPN", "Network > VPN > Tokens")] == [False] * 3
    assert pulled["Hardware"]["is_active"] is True

    on = admin.push_one("update_category", ids["Network"], {"is_active": True})
    assert on["outcome"] == "applied"
    assert all(active for _key, active in _stored(server).values())


@pytest.mark.parametrize("role", ["agent", "technician", "supervisor"])
def test_only_an_admin_may_change_the_tree(server, role):
    admin = server.user_client("admin")
    ids = _tree(admin)
    other = server.user_client(role)

    results = other.push(
        other.mutation("update_category", ids["Network"], {"name": "Networking"}),
        other.mutation("update_category", ids["Network"], {"is_active": False}),
    )

    assert [(r["outcome"], r["code"]) for r in results] == [("rejected", "permission_denied")] * 2
    with server.ctx.sessions() as session:  # the hash-chained mutation log is the audit trail of tree edits
        logged = session.scalars(select(MutationLogEntry).where(MutationLogEntry.name == "update_category")).all()
    assert {(e.user_id, e.outcome, e.code) for e in logged} == {(other.user_id, "rejected", "permission_denied")}
    assert "Only an admin may rename, move, deactivate" in results[0]["reason"]
    assert _stored(server)["Network"] == ("network", True)


def test_two_admins_change_different_fields_and_both_stick(server):
    first, second = server.user_client("admin"), server.user_client("admin")
    ids = _tree(first)

    renamed = first.push_one("update_category", ids["Network > DNS"], {"name": "Name resolution"})
    moved = second.push_one("update_category", ids["Network > DNS"], {"parent_id": ids["Hardware"]})

    assert renamed["outcome"] == moved["outcome"] == "applied"
    assert "Hardware > Name resolution" in _pulled(second)


def test_a_subcategory_created_offline_lands_under_its_renamed_parent(server):
    admin, agent = server.user_client("admin"), server.user_client("agent")
    ids = _tree(admin)
    admin.push_one("update_category", ids["Network"], {"name": "Networking"})
    admin.push_one("update_category", ids["Hardware"], {"is_active": False})
    proxy, mouse = uuid.uuid4(), uuid.uuid4()

    # The agent's client still knew the old paths when it logged these.
    under_renamed = agent.push_one("create_category", proxy, {"path": "Network > Proxy", "parent_id": ids["Network"]})
    under_retired = agent.push_one("create_category", mouse, {"path": "Hardware > Mouse", "parent_id": ids["Hardware"]})

    assert under_renamed["outcome"] == under_retired["outcome"] == "applied"
    pulled = _pulled(agent)
    assert pulled["Networking > Proxy"]["id"] == str(proxy)
    assert pulled["Hardware > Mouse"]["is_active"] is False
