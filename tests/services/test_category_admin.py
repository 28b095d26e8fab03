"""Admin edits of the category tree on a real SQLite file: paths of subtrees, clashes, cycles, roles, outbox."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentPatch
from desktop_app.domain.errors import PermissionDeniedError, ValidationError
from desktop_app.domain.queue_filter import QueueQuery
from desktop_app.models import SyncState
from desktop_app.services.category_admin import restore_refused_update
from tests.support.builders import incident_draft
from tests.support.database import max_seq, outbox_after


def _paths(context: AppContext, *, include_inactive: bool = False) -> dict[str, bool]:
    return {n.path: n.is_active for n in context.categories.tree(include_inactive=include_inactive)}


def _sign_in_as(context: AppContext, role: str) -> None:
    with Session(context.engine) as session, session.begin():
        session.merge(SyncState(id=1, server_url="https://hd.example", role=role))


def test_rename_rewrites_the_subtree_and_queues_one_update(context: AppContext) -> None:
    vpn = context.categories.create("Network > VPN > Tokens").value
    network = context.categories.resolve_path("Network")
    seq = max_seq(context)

    result = context.categories.rename(network.id, "  Networking   and links ")

    assert result.value.path == "Networking and links"
    paths = _paths(context)
    assert "Networking and links > VPN > Tokens" in paths
    assert not any(p.startswith("Network >") for p in paths)
    assert context.categories.get(vpn.id).depth == 2
    changed = {c.entity_id for c in result.changes.changes if c.entity == "category"}
    assert network.id in changed
    assert vpn.id in changed
    [entry] = outbox_after(context, seq)
    assert (entry.name, entry.entity_id) == ("update_category", network.id)
    assert (entry.payload, entry.base) == ({"name": "Networking and links"}, {"name": "Network"})


def test_move_rewrites_paths_and_depths_and_incidents_follow(context: AppContext, make_incident) -> None:
    context.categories.create("Network > VPN > Tokens")
    vpn = context.categories.resolve_path("Network > VPN")
    hardware = context.categories.resolve_path("Hardware > Laptop")
    incident = make_incident(category_path="Network > VPN > Tokens")
    seq = max_seq(context)

    context.categories.move(vpn.id, hardware.id)

    tokens = context.categories.resolve_path("Hardware > Laptop > VPN > Tokens")
    assert tokens.depth == 3
    assert context.incidents.get(incident.id).category_path == "Hardware > Laptop > VPN > Tokens"
    counts = context.queue.category_open_counts()
    assert counts[hardware.id] == 1
    assert counts[context.categories.resolve_path("Network").id] == 0
    [entry] = outbox_after(context, seq)
    assert entry.payload == {"parent_id": str(hardware.id)}
    context.categories.move(vpn.id, None)
    assert "VPN > Tokens" in _paths(context)


def test_clashes_cycles_and_empty_names_are_refused(context: AppContext) -> None:
    network = context.categories.resolve_path("Network")
    vpn = context.categories.resolve_path("Network > VPN")
    dns = context.categories.resolve_path("Network > DNS")
    seq = max_seq(context)

    with pytest.raises(ValidationError, match="already a category “Network > VPN”"):
        context.categories.rename(dns.id, "vpn")
    with pytest.raises(ValidationError, match="needs a name"):
        context.categories.rename(dns.id, "   ")
    with pytest.raises(ValidationError, match="cannot contain"):
        context.categories.rename(dns.id, "DNS / internal")
    with pytest.raises(ValidationError, match="under itself"):
        context.categories.move(network.id, vpn.id)
    with pytest.raises(ValidationError, match="under itself"):
        context.categories.move(network.id, network.id)
    with pytest.raises(ValidationError, match="already a category “Network”"):
        context.categories.move(context.categories.create("Hardware > Network").value.id, None)

    assert outbox_after(context, seq)[-1].name == "create_category"  # only the create above was queued
    context.categories.rename(dns.id, "dns")  # its own name in other letters: fine
    assert "Network > dns" in _paths(context)


def test_deactivate_cascades_hides_from_new_work_but_incidents_keep_and_filter(
    context: AppContext, make_incident
) -> None:
    network = context.categories.resolve_path("Network")
    incident = make_incident(category_path="Network > VPN")

    context.categories.set_active(network.id, False)

    assert not any(p.startswith("Network") for p in _paths(context))
    assert not any(n.path.startswith("Network") for n in context.categories.search("vpn"))
    everything = _paths(context, include_inactive=True)
    assert everything["Network"] is False
    assert everything["Network > VPN"] is False
    with pytest.raises(Exception, match="no category 'Network > VPN'"):
        make_incident(category_path="Network > VPN")
    with pytest.raises(ValidationError, match="deactivated"):
        context.categories.create("Network > VPN > Tokens")
    assert context.incidents.get(incident.id).category_path == "Network > VPN"
    listed = context.queue.page(QueueQuery(category_id=network.id), 100)
    assert [row.summary.id for row in listed] == [incident.id]
    vpn_id = context.incidents.get(incident.id).category_id
    with pytest.raises(ValidationError, match="reactivate it first"):
        context.categories.set_active(vpn_id, True)

    context.categories.set_active(network.id, True)
    assert _paths(context)["Network > VPN"] is True


def test_only_an_admin_edits_when_signed_in_to_a_server(context: AppContext) -> None:
    network = context.categories.resolve_path("Network")
    assert context.categories.admin_refusal() is None  # standalone: no roles
    _sign_in_as(context, "supervisor")
    seq = max_seq(context)

    assert "supervisor role" in (context.categories.admin_refusal() or "")
    with pytest.raises(PermissionDeniedError, match="Only an admin"):
        context.categories.rename(network.id, "Networking")
    assert outbox_after(context, seq) == []
    _sign_in_as(context, "admin")
    context.categories.rename(network.id, "Networking")
    assert "Networking > VPN" in _paths(context)


def test_a_refused_update_is_put_back_from_its_base(context: AppContext) -> None:
    vpn = context.categories.resolve_path("Network > VPN")
    hardware = context.categories.resolve_path("Hardware")
    seq = max_seq(context)
    context.categories.move(vpn.id, hardware.id)
    context.categories.rename(vpn.id, "Remote access")
    entries = outbox_after(context, seq)

    with Session(context.engine) as session, session.begin():
        for entry in reversed(entries):
            restore_refused_update(session, entry.entity_id, entry.base)

    assert context.categories.get(vpn.id).path == "Network > VPN"


def test_a_new_subcategory_goes_under_its_parent_by_id_with_a_clean_new_name(context: AppContext) -> None:
    network = context.categories.resolve_path("Network")
    seq = max_seq(context)

    created = context.categories.create_child(network.id, "  Proxy   servers ").value
    top = context.categories.create_child(None, "Telephony").value

    assert (created.path, created.parent_id, created.depth) == ("Network > Proxy servers", network.id, 1)
    assert top.path == "Telephony"
    assert [e.name for e in outbox_after(context, seq)] == ["create_category", "create_category"]
    with pytest.raises(ValidationError, match="already a category “Network > VPN”"):
        context.categories.create_child(network.id, "vpn")
    with pytest.raises(ValidationError, match="cannot contain"):
        context.categories.create_child(network.id, "Proxy/EU")
    context.categories.set_active(network.id, False)
    with pytest.raises(ValidationError, match="deactivated"):
        context.categories.create_child(network.id, "Firewall")


def test_a_deactivated_category_given_by_id_is_refused_for_new_work_but_kept_where_it_is(
    context: AppContext, make_incident
) -> None:
    """A form opened before the deactivation still holds the id: creating or moving work into it is
    refused; an incident already in it keeps it through other edits."""
    vpn = context.categories.resolve_path("Network > VPN")
    dns = context.categories.resolve_path("Network > DNS")
    kept = make_incident(category_path="Network > VPN")
    other = make_incident(category_path="Network > DNS")
    context.categories.set_active(vpn.id, False)

    draft = incident_draft(category_id=vpn.id)
    with pytest.raises(ValidationError, match="deactivated"):
        context.incidents.create(draft)
    with pytest.raises(ValidationError, match="deactivated"):
        context.incidents.update(other.id, IncidentPatch(category_id=vpn.id))
    assert context.incidents.get(other.id).category_id == dns.id

    edited = context.incidents.update(kept.id, IncidentPatch(category_id=vpn.id, title="VPN drops at 9")).value
    assert (edited.category_id, edited.title) == (vpn.id, "VPN drops at 9")
