"""Server category changes applied locally: renames and moves of subtrees, swaps, deactivation; refusals undone."""

from __future__ import annotations

import uuid

from desktop_app.context import AppContext
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.store import state_row
from tests.sync.conftest import answer, change, pending_entries, pull


def _data(context: AppContext, where: str, **changes: object) -> dict:
    node = context.categories.resolve_path(where)
    data = {"id": str(node.id), "name": node.name, "path": node.path, "parent_id": node.parent_id, "is_active": True}
    return data | {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in changes.items()}


def _paths(context: AppContext) -> dict[str, bool]:
    return {n.path: n.is_active for n in context.categories.tree(include_inactive=True)}


def test_a_renamed_parent_takes_children_only_this_client_knows_along(connected: AppContext) -> None:
    local_only = connected.categories.create("Network > VPN > Tokens").value  # not on the server yet
    renamed = _data(connected, "Network", name="Networking", path="Networking")
    vpn = _data(connected, "Network > VPN", path="Networking > VPN")

    assert pull(connected, change("category", renamed), change("category", vpn)) == []

    assert connected.categories.get(local_only.id).path == "Networking > VPN > Tokens"
    assert not any(p.startswith("Network >") for p in _paths(connected))


def test_two_siblings_swapping_names_in_one_page_both_land(connected: AppContext) -> None:
    vpn = _data(connected, "Network > VPN", name="DNS", path="Network > DNS")
    dns = _data(connected, "Network > DNS", name="VPN", path="Network > VPN")

    pull(connected, change("category", vpn), change("category", dns))

    assert connected.categories.get(uuid.UUID(vpn["id"])).path == "Network > DNS"
    assert connected.categories.get(uuid.UUID(dns["id"])).path == "Network > VPN"
    assert not any("moving" in p for p in _paths(connected))


def test_a_move_and_a_deactivation_from_the_server(connected: AppContext) -> None:
    hardware = connected.categories.resolve_path("Hardware")
    moved = _data(connected, "Network > VPN", parent_id=hardware.id, path="Hardware > VPN", is_active=False)

    pull(connected, change("category", moved))

    node = connected.categories.get(uuid.UUID(moved["id"]))
    assert (node.path, node.parent_id, node.depth, node.is_active) == ("Hardware > VPN", hardware.id, 1, False)
    assert "Hardware > VPN" not in {n.path for n in connected.categories.tree()}


def test_a_refused_update_is_undone_and_stays_in_errors(connected: AppContext) -> None:
    # connect_locally signs in as a technician; this client believes it is an admin (demoted since).
    with connected.sync.store.write() as scope:
        state_row(scope.session).role = "admin"
    vpn = connected.categories.resolve_path("Network > VPN")
    hardware = connected.categories.resolve_path("Hardware")
    connected.categories.move(vpn.id, hardware.id)
    connected.categories.set_active(vpn.id, False)
    assert [e.name for e in pending_entries(connected)][-2:] == ["update_category", "update_category"]

    answer(connected, outcome="rejected", only={"update_category"}, code="permission_denied", reason="Only an admin")

    node = connected.categories.get(vpn.id)
    assert (node.path, node.is_active) == ("Network > VPN", True)
    refused = [i for i in connected.sync.outbox() if i.name == "update_category"]
    assert {i.state for i in refused} == {OutboxState.REJECTED}
    assert all(i.error_code == "permission_denied" for i in refused)
