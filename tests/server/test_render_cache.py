"""Pull renders each change row once per process; visibility is still decided per user at every pull."""

from __future__ import annotations

import uuid
from typing import Any

from central_server.services.render_cache import RenderCache


def _final_state(changes: list[dict[str, Any]], entity: str, entity_id: uuid.UUID) -> dict[str, Any] | None:
    """What a client ends with after applying the changes in counter order."""
    state = None
    for change in changes:
        if change["entity"] == entity and change["entity_id"] == str(entity_id):
            state = change["data"] if change["op"] == "upsert" else None
    return state


def test_a_cached_row_goes_out_as_a_tombstone_to_a_user_who_can_no_longer_see_the_incident(server):
    boss = server.user_client("supervisor")
    desk_agent = server.user_client("agent", groups=["Service Desk"])
    late_desk_agent = server.user_client("agent", groups=["Service Desk"])
    network_agent = server.user_client("agent", groups=["Network"])
    desk, network = server.group("Service Desk"), server.group("Network")
    incident_id, _ = boss.create_incident(group_id=desk, title="Printer offline")
    desk_agent.pull_all()  # renders the incident's first change row, and the cache keeps it
    assert len(server.ctx.render_cache) > 0

    boss.push_one("reassign", incident_id, {"group_id": network, "assignee_id": None})
    late_changes, _ = late_desk_agent.pull_all()
    network_changes, _ = network_agent.pull_all()

    # The first row is served from the cache, but the Service Desk agent may no longer see the incident.
    late_rows = [c for c in late_changes if c["entity"] == "incident"]
    assert [row["op"] for row in late_rows] == ["delete", "delete"]
    # The Network agent gets the cached first row (as rendered) and then the newer one: it ends current.
    network_rows = [c for c in network_changes if c["entity"] == "incident"]
    assert [row["op"] for row in network_rows] == ["upsert", "upsert"]
    assert _final_state(network_changes, "incident", incident_id)["group_id"] == str(network)
    assert _final_state(network_changes, "incident", incident_id)["title"] == "Printer offline"


def test_every_later_write_reaches_a_client_whose_first_rows_came_from_the_cache(server):
    author = server.user_client("supervisor")
    reader = server.user_client("supervisor")
    incident_id, _ = author.create_incident(title="VPN drops")
    author.pull_all()  # cached now
    author.update(incident_id, {"title": "VPN drops every hour"}, {"title": "VPN drops"})
    note_id = uuid.uuid4()
    author.push_one("add_note", incident_id, {"note_id": note_id, "kind": "worklog", "body": "Checked logs"})

    changes, _ = reader.pull_all()

    assert _final_state(changes, "incident", incident_id)["title"] == "VPN drops every hour"
    assert _final_state(changes, "note", note_id)["body"] == "Checked logs"


def test_the_cache_forgets_its_oldest_entries_beyond_its_capacity():
    cache = RenderCache(capacity=2)
    ids = [uuid.uuid4() for _ in range(3)]
    for counter, entity_id in enumerate(ids, start=1):
        cache.put(("incident", entity_id, counter), entity_id, {"id": str(entity_id)})
    cache.get(("incident", ids[1], 2))  # touched: kept over the older, untouched one

    assert len(cache) == 2
    assert cache.get(("incident", ids[0], 1)) is None
    assert cache.get(("incident", ids[1], 2)) == (ids[1], {"id": str(ids[1])})
    assert cache.get(("incident", ids[2], 3)) is not None
