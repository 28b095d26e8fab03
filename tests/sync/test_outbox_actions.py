"""The Errors view's actions (resend, discard), the outbox listing, the status summary and the bootstrap swap."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentPatch
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.ids import new_id
from desktop_app.sync import bootstrap
from desktop_app.sync.dtos import OutboxState, SyncHealth
from tests.support.builders import make_incident
from tests.support.database import count, max_seq
from tests.sync.conftest import answer, change, connect_locally, server_incident


def _refused_title_change(context: AppContext) -> tuple[object, object]:
    incident = make_incident(context)
    answer(context)
    context.incidents.update(incident.id, IncidentPatch(title="Refused title"))
    answer(context, outcome="rejected", code="permission_denied", reason="Not yours to edit.")
    [error] = context.sync.errors()
    return incident, error


def test_resend_goes_out_as_a_new_mutation_with_the_fix(connected: AppContext) -> None:
    incident, error = _refused_title_change(connected)
    assert connected.incidents.get(incident.id).title != "Refused title"  # taken back at refusal

    resent = connected.sync.resend(error.id, {"title": "Fixed title"})

    assert resent.state == OutboxState.PENDING
    assert resent.seq > error.seq
    assert resent.mutation_id != error.mutation_id
    assert resent.wire_seq is None
    assert dict(resent.payload) == {"title": "Fixed title"}
    assert resent.base["title"] == incident.title  # made against what the incident holds now
    assert connected.incidents.get(incident.id).title == "Fixed title"
    old = next(i for i in connected.sync.outbox() if i.id == error.id)
    assert (old.state, old.superseded_by, old.error_code) == (OutboxState.DISCARDED, resent.id, "permission_denied")
    assert connected.sync.errors() == []


def test_discarding_a_refused_change_keeps_it_for_history(connected: AppContext) -> None:
    _incident, error = _refused_title_change(connected)

    discarded = connected.sync.discard(error.id)

    assert discarded.state == OutboxState.DISCARDED
    assert connected.sync.errors() == []
    assert error.id in {i.id for i in connected.sync.outbox()}
    assert connected.sync.status().errors == 0


def test_discarding_a_change_not_yet_sent_takes_it_back(connected: AppContext) -> None:
    incident = make_incident(connected)
    answer(connected)
    connected.incidents.update(incident.id, IncidentPatch(title="Never mind", impact=1))
    entry = connected.sync.outbox((OutboxState.PENDING,))[-1]

    connected.sync.discard(entry.id)

    after = connected.incidents.get(incident.id)
    assert (after.title, after.impact) == (incident.title, incident.impact)
    assert connected.sync.status().pending == 0


def test_discarding_an_unsent_create_removes_the_incident(connected: AppContext) -> None:
    answer(connected)
    make_incident(connected)
    entry = connected.sync.outbox((OutboxState.PENDING,))[-1]
    connected.sync.discard(entry.id)
    assert connected.incidents.count() == 0


def test_applied_changes_cannot_be_discarded_nor_resent(connected: AppContext) -> None:
    make_incident(connected)
    answer(connected)
    applied = connected.sync.outbox()[-1]
    with pytest.raises(ValidationError, match="is applied"):
        connected.sync.discard(applied.id)
    with pytest.raises(ValidationError, match="Only refused changes can be resent"):
        connected.sync.resend(applied.id)


def test_a_refused_create_removes_the_incident_and_a_resend_brings_it_back(connected: AppContext) -> None:
    answer(connected)
    incident = make_incident(connected, "Logged for someone else's queue")
    answer(connected, outcome="rejected", code="permission_denied", reason="You may not assign to that group.")
    assert connected.incidents.count() == 0
    [error] = connected.sync.errors()

    connected.sync.resend(error.id)

    again = connected.incidents.get(incident.id)
    assert (again.title, again.number) == (incident.title, incident.number)
    assert connected.sync.status().pending == 1


def test_status_summarises_for_the_status_bar(context: AppContext) -> None:
    status = context.sync.status()
    assert (status.health, status.label) == (SyncHealth.OFFLINE_ONLY, "Offline only")
    assert status.pending == 0  # an offline-only client has nothing waiting for a server

    connect_locally(context)
    status = context.sync.status()
    assert status.health == SyncHealth.LOGIN_NEEDED  # no token in the keyring yet
    assert status.pending > 0  # the first run's directory, waiting to be sent


def test_the_swap_replaces_server_rows_but_keeps_pending_work(context: AppContext) -> None:
    connect_locally(context, bootstrap_done=False)
    answer(context)
    gone = make_incident(context, "Deleted on the server while we were away")
    kept = make_incident(context, "Still on the server")
    answer(context)
    mine = make_incident(context, "Typed offline, not sent yet")
    snapshot = bootstrap.Snapshot()
    snapshot.add(change("incident", server_incident(context, kept.id, title="Renamed on the server")))
    snapshot.cursor = 41
    seq = max_seq(context)

    warnings = bootstrap.swap_in(context.sync.store, snapshot, context.clock() - timedelta(days=1))
    snapshot.close()

    assert warnings == []
    assert {s.title for s in context.incidents.list_recent()} == {"Renamed on the server", mine.title}
    assert gone.id not in {s.id for s in context.incidents.list_recent()}
    state = context.sync.store.snapshot()
    assert (state.cursor, state.bootstrap_done) == (41, True)
    assert max_seq(context) == seq


def test_first_bootstrap_drops_unused_starter_groups_and_categories(context: AppContext) -> None:
    connect_locally(context, bootstrap_done=False)
    make_incident(context, category_path="Network > VPN")
    snapshot = bootstrap.Snapshot()
    server_group = new_id()
    snapshot.add(
        change("group", {"id": str(server_group), "name": "Field Services", "description": None, "member_ids": []})
    )
    snapshot.cursor = 3
    device_created = context.sync.store.snapshot().device_created_at

    bootstrap.swap_in(context.sync.store, snapshot, device_created)
    snapshot.close()

    assert [g.name for g in context.directory.groups()] == ["Field Services"]
    assert context.directory.groups()[0].id == server_group
    assert [n.path for n in context.categories.tree()] == ["Network", "Network > VPN"]  # used by an incident
    codes = {i.error_code for i in context.sync.outbox(limit=10_000) if i.state == OutboxState.DISCARDED}
    assert codes == {"first_run_default", "merged"}
    assert count(context, "outbox", "state = 'pending' AND name = 'create_category'") == 2
