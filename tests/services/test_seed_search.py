"""Demo seeding indexes every incident for the queue's search, in bulk, and leaves the trigger in place."""

from __future__ import annotations

from desktop_app.context import AppContext
from desktop_app.domain.queue_filter import QueueQuery
from desktop_app.services.seed_service import SeedPlan, SeedService
from tests.support.database import count


def test_seeded_incidents_are_searchable_and_later_ones_too(context: AppContext, make_incident) -> None:
    SeedService(context.engine, context.incidents.matrix).seed(SeedPlan(incidents=300, reporters=40, chunk_size=120))
    assert count(context, "incident_search") == count(context, "incidents") == 300
    assert count(context, "sqlite_master", "type = 'trigger' AND name = 'incidents_search_insert'") == 1
    title = context.queue.page(QueueQuery(), 1)[0].summary.title
    word = max(title.split(), key=len)
    found = context.queue.counts(QueueQuery(search=f"title:{word}"))
    assert found.matches >= 1
    make_incident("Plotter smudges every drawing", title="Plotter smudges")
    assert context.queue.counts(QueueQuery(search="plotter")).matches == 1, "the per-row trigger is back"
