"""End to end with a real server process: an admin's category edits reach other clients; a non-admin's do not."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from desktop_app.domain.errors import PermissionDeniedError
from desktop_app.models import SyncState
from desktop_app.sync.dtos import OutboxState
from tests.sync.e2e_support import unsettled
from tests.sync.test_e2e_sync import client, server, start_server  # noqa: F401 - the real-server fixtures

pytestmark = pytest.mark.slow


def _paths(c) -> dict[str, bool]:
    return {n.path: n.is_active for n in c.context.categories.tree(include_inactive=True)}


def test_an_admins_rename_move_and_deactivation_reach_another_client(server, client) -> None:  # noqa: F811
    root = client("root", server, "root")
    root.sync()
    created = root.context.categories.create("Network > VPN > Tokens").value
    root.sync()
    alice = client("alice", server, "alice")
    alice.sync()
    assert "Network > VPN > Tokens" in _paths(alice)
    network = root.context.categories.resolve_path("Network")
    hardware = root.context.categories.create("Hardware").value

    root.context.categories.rename(network.id, "Networking")
    vpn = root.context.categories.resolve_path("Networking > VPN")
    root.context.categories.move(vpn.id, hardware.id)
    root.context.categories.set_active(vpn.id, False)
    report = root.sync()
    alice.sync()

    assert report.rejected == 0
    seen = _paths(alice)
    assert seen["Hardware > VPN > Tokens"] is False
    assert seen["Networking"] is True
    assert alice.context.categories.get(created.id).path == "Hardware > VPN > Tokens"
    assert "Hardware > VPN" not in {n.path for n in alice.context.categories.tree()}
    assert unsettled(root.context) == unsettled(alice.context) == []


def test_a_non_admin_is_refused_by_the_client_and_by_the_server(server, client) -> None:  # noqa: F811
    root = client("root", server, "root")
    root.sync()
    root.context.categories.create("Network > DNS")
    root.sync()
    alice = client("alice", server, "alice")  # a technician
    alice.sync()
    dns = alice.context.categories.resolve_path("Network > DNS")

    with pytest.raises(PermissionDeniedError, match="technician role"):
        alice.context.categories.rename(dns.id, "Name resolution")
    # A client that still believes it is an admin (demoted since its last sign-in): the server decides.
    with Session(alice.context.engine) as session, session.begin():
        session.get(SyncState, 1).role = "admin"
    alice.context.categories.rename(dns.id, "Name resolution")
    report = alice.sync()

    assert report.rejected == 1
    [refused] = [i for i in alice.context.sync.outbox() if i.name == "update_category"]
    assert refused.state == OutboxState.REJECTED
    assert refused.error_code == "permission_denied"
    assert "Only an admin" in (refused.error_reason or "")
    assert alice.context.categories.get(dns.id).path == "Network > DNS"  # put back from the base
    root.sync()
    assert "Network > DNS" in _paths(root)
