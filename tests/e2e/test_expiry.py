"""Expiry in the middle of a sync: the access token (refresh and carry on), the pull cursor (bootstrap
again, keeping every pending change and what it shows locally)."""

from __future__ import annotations

from typing import Any

import requests

from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.sync.dtos import OutboxState
from desktop_app.sync.http import ApiClient
from tests.e2e.harness import FIELD_SERVICES, E2EClient, WireSession, assert_converged, client_states, wait_for


def _api(client: E2EClient) -> ApiClient:
    tokens = client.context.sync._tokens
    assert tokens is not None, "not logged in"
    return tokens.api


def _expired(url: str, token: str) -> bool:
    answer = requests.get(f"{url}/sync/conflicts", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return answer.status_code == 401 and answer.json()["detail"]["code"] == "token_expired"


def test_an_access_token_expiring_between_push_batches_is_refreshed_and_the_sync_goes_on(
    farm, clients, monkeypatch
) -> None:
    server = farm.start(HELPDESK_SERVER_ACCESS_TOKEN_TTL="1")
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    bob.sync()
    group = alice.group(FIELD_SERVICES)
    for n in range(10):
        logged = alice.context.incidents.create(IncidentDraft(description=f"Meter {n} unreadable", group_id=group))
        alice.context.incidents.add_note(logged.value.id, f"Photographed meter {n}")
    sent = len(alice.pending())
    monkeypatch.setattr("desktop_app.sync.engine.PUSH_BATCH", 8)  # a long push: several batches
    api = _api(alice)
    tokens = alice.context.sync._tokens
    assert tokens is not None
    tokens._expires_at = float("inf")  # the client believes its token fresh: the server's 401 decides
    seen: list[tuple[str, int, str | None]] = []
    refreshes: list[int] = []
    real_send, real_push, real_refresh = api._send, api.push, api.refresh

    def send(method: str, path: str, *args: Any) -> requests.Response:
        answer = real_send(method, path, *args)
        code = answer.json().get("detail", {}).get("code") if answer.status_code >= 400 else None
        seen.append((path, answer.status_code, code))
        return answer

    def push(request: Any) -> Any:
        answer = real_push(request)
        token = tokens._access
        assert token is not None
        wait_for(lambda: _expired(server.url, token), "the access token to expire on the server")
        return answer

    def refresh(request: Any) -> Any:
        refreshes.append(len(seen))
        return real_refresh(request)

    monkeypatch.setattr(api, "_send", send)
    monkeypatch.setattr(api, "push", push)
    monkeypatch.setattr(api, "refresh", refresh)

    report = alice.sync()

    pushed = [status for path, status, _ in seen if path == "/sync/push" and status == 200]
    assert len(pushed) == -(-sent // 8) >= 3
    assert ("/sync/push", 401, "token_expired") in seen  # refused once, then refreshed and sent again
    assert len(refreshes) >= len(pushed) - 1  # a fresh token for every batch after the first
    assert ("/auth/refresh", 200, None) in seen
    assert [entry for entry in seen if entry[1] >= 400 and entry[2] != "token_expired"] == []
    assert (report.applied, report.rejected) == (sent, 0)
    assert alice.context.sync.status().logged_in
    monkeypatch.undo()
    assert_converged(server, farm, alice, bob)


def test_an_expired_cursor_bootstraps_again_keeping_the_outbox(farm, clients, monkeypatch) -> None:
    server = farm.start(HELPDESK_SERVER_CHANGE_RETENTION="1")
    alice, bob = clients("alice", server), clients("bob", server)
    alice.sync()
    bob.sync()
    group = bob.group(FIELD_SERVICES)
    shared = bob.context.incidents.create(IncidentDraft(description="Door sensor stuck", group_id=group)).value
    bob.sync()
    alice.sync()
    # Alice offline; Bob keeps working; the server's change log moves past Alice's cursor.
    mine = alice.context.incidents.create(IncidentDraft(description="Logged by Alice offline", group_id=group)).value
    alice.context.incidents.update(shared.id, IncidentPatch(title="Door sensor: magnet loose"))
    alice.context.incidents.add_note(shared.id, "Glued the magnet back")
    later = bob.context.incidents.create(IncidentDraft(description="Logged while Alice was away", group_id=group))
    bob.sync()
    cursor = alice.context.sync.store.snapshot().cursor
    with WireSession(server.url, "carol") as probe:
        wait_for(lambda: probe.pull_raw(cursor).status_code == 410, "the server to prune past Alice's cursor")

    # Alice types while her sync runs: after her push, before the pull that finds the cursor expired.
    api = _api(alice)
    real_pull = api.pull
    typed: list[str] = []

    def pull(cursor: int, limit: int) -> Any:
        if not typed:
            alice.context.incidents.update(shared.id, IncidentPatch(description="Sensor on the fire door"))
            alice.context.incidents.add_note(mine.id, "Typed during the sync")
            typed.append("done")
        return real_pull(cursor, limit)

    monkeypatch.setattr(api, "pull", pull)
    report = alice.sync()
    monkeypatch.undo()

    assert report.bootstrapped
    assert (report.applied, report.rejected, report.conflicts) == (3, 0, 0)
    assert [item.name for item in alice.pending()] == ["update_fields", "add_note"]  # kept through the bootstrap
    here = alice.incident(shared.id)
    assert (here.title, here.description) == ("Door sensor: magnet loose", "Sensor on the fire door")
    assert [note.body for note in alice.incident(mine.id).notes] == ["Typed during the sync"]
    assert set(client_states(alice)) == {shared.id, mine.id, later.value.id}

    assert alice.sync().applied == 2
    everything = assert_converged(server, farm, alice, bob)
    assert everything[shared.id]["description"] == "Sensor on the fire door"
    assert {item.state for item in alice.outbox() if item.wire_seq} == {OutboxState.APPLIED}
