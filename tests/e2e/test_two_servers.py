"""Two ``helpdesk-server`` processes behind one PostgreSQL, clients alternating between them.

Each client talks to "the server" through a round-robin load balancer in its own transport, so its
consecutive requests (login, numbers, bootstrap, push, pull...) land on alternate processes. Clients
sync at the same time, and raw number leases race on both processes: the incident numbers stay unique,
the change counter gap-free, the audit hash chain whole, and every client converges.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select

from central_server.models import Change
from desktop_app.domain.dtos import IncidentDraft, IncidentPatch
from desktop_app.sync.http import ApiClient
from tests.e2e.harness import FIELD_SERVICES, E2EClient, WireSession, assert_converged, server_view, sync_all
from tests.sync.e2e_support import PASSWORD, RunningServer

# The address the clients are given: nothing listens there; the balancer sends each request on.
BALANCER_URL = "http://127.0.0.1:9"


class RoundRobin(HTTPAdapter):
    """A load balancer inside the client's transport: each request goes to the next server in turn."""

    def __init__(self, servers: list[RunningServer]) -> None:
        super().__init__()
        self._targets = itertools.cycle([urlsplit(server.url).netloc for server in servers])
        self._lock = threading.Lock()
        self.sent: Counter[str] = Counter()

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        with self._lock:
            target = next(self._targets)
            self.sent[target] += 1
        request.url = urlunsplit(urlsplit(str(request.url))._replace(netloc=target))
        return super().send(request, *args, **kwargs)


def behind_balancer(client: E2EClient, servers: list[RunningServer], username: str) -> RoundRobin:
    balancer = RoundRobin(servers)

    def api(url: str) -> ApiClient:
        session = requests.Session()
        session.mount(BALANCER_URL, balancer)
        return ApiClient(url, session=session)

    client.context.sync._api_factory = api  # the engine's one seam for its transport
    client.context.sync.login(BALANCER_URL, username, PASSWORD)
    return balancer


def _lease(server: RunningServer, rounds: int) -> list[tuple[int, int]]:
    with WireSession(server.url, "root") as wire:
        blocks = []
        for _ in range(rounds):
            answer = wire.http.post(
                f"{server.url}/sync/numbers",
                json={"client_id": str(wire.client_id), "size": 7},
                headers={"Authorization": f"Bearer {wire.token}"},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            blocks.append((answer.json()["start"], answer.json()["end"]))
        return blocks


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_server_processes_on_one_postgresql_serve_alternating_clients(farm, clients) -> None:
    first, second = farm.start(), farm.start()
    servers = [first, second]
    names = ("alice", "carol", "bob")
    team = [clients(name, first, login=False) for name in names]
    balancers = [behind_balancer(client, servers, name) for client, name in zip(team, names, strict=True)]
    late = clients("root", first, login=False)  # logs in, never syncs before working: no numbers leased
    balancers.append(behind_balancer(late, servers, "root"))
    for client in team:
        client.sync()
    group = team[0].group(FIELD_SERVICES)

    def work(client: E2EClient, count: int) -> list[Any]:
        made = []
        for n in range(count):
            # The late client knows no server group yet: its incidents have none (everyone sees them).
            draft = IncidentDraft(description=f"{client.name} call {n}", group_id=None if client is late else group)
            detail = client.context.incidents.create(draft)
            client.context.incidents.add_note(detail.value.id, f"{client.name} note {n}")
            made.append(detail.value.id)
        return made

    created = [incident for client in [*team, late] for incident in work(client, 6)]
    with ThreadPoolExecutor(6) as pool:
        syncing = [pool.submit(client.sync) for client in [*team, late]]
        leases = [pool.submit(_lease, server, 10) for server in servers]
        reports = [future.result() for future in syncing]
        blocks = [block for future in leases for block in future.result()]
    assert reports[-1].numbers_assigned == 6  # the late client's incidents got the server's numbers

    sync_all(team, rounds=1)  # everyone has everything
    # Everyone edits everyone's incidents, and syncs at the same time again.
    for index, client in enumerate(team):
        for incident in created[index::3]:
            client.context.incidents.update(incident, IncidentPatch(workaround=f"Workaround from {client.name}"))
            client.context.incidents.add_note(incident, f"Seen by {client.name}")
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda c: c.sync(), [*team, late]))

    everything = assert_converged(first, farm, *team, late)

    assert set(everything) == set(created)
    assert all(state["workaround"] and len(state["notes"]) == 2 for state in everything.values())
    numbers = {state["number"] for state in everything.values()}
    leased = {n for start, end in blocks for n in range(start, end + 1)}
    assert len(leased) == 7 * len(blocks)  # the raced leases never overlap
    assert not numbers & leased
    assert server_view(first, "root") == server_view(second, "root")
    for balancer in balancers:
        assert len(balancer.sent) == 2, balancer.sent  # both processes served every client
        assert min(balancer.sent.values()) >= 3, balancer.sent
    with farm.db() as session:
        counters = list(session.scalars(select(Change.counter).order_by(Change.counter)))
    assert counters == list(range(counters[0], counters[0] + len(counters)))  # gap-free with two writers
