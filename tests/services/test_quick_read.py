"""The start-up reader (sqlite3 only) must show exactly what the services would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.context import AppContext
from desktop_app.db.quick_read import quick_queue_source
from desktop_app.domain.enums import Status
from tests.support.fakes import FixedClock


def _seed(context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], count: int) -> None:
    me = context.directory.me()
    for n in range(count):
        clock.advance(minutes=1)
        detail = make_incident(f"Incident {n}: the printer on floor {n % 5} jams", category_path="Hardware > Printer")
        if n % 3 == 0:
            context.incidents.assign(detail.id, group_id=None, assignee_id=me.id)
        if n % 4 == 0:
            context.incidents.change_status(
                detail.id, Status.RESOLVED, resolution_code="fixed", resolution_steps="Cleared the jam"
            )


def test_pages_counts_and_summaries_match_the_service(
    context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]
) -> None:
    _seed(context, clock, make_incident, 23)
    source = quick_queue_source(context.paths.database)
    assert source is not None
    assert source.count() == context.incidents.count() == 23
    assert source.count(open_only=True) == context.incidents.count(open_only=True)
    quick_pages, service_pages = [], []
    quick_after = service_after = None
    for _ in range(4):
        quick = source.list_recent(7, quick_after)
        service = context.incidents.list_recent(7, service_after)
        quick_pages += quick
        service_pages += service
        if quick:
            quick_after = (quick[-1].created_at, quick[-1].id)
            service_after = (service[-1].created_at, service[-1].id)
    assert quick_pages == service_pages
    assert len({s.id for s in quick_pages}) == 23
    assert source.list_recent(50, open_only=True) == context.incidents.list_recent(50, open_only=True)
    some = [s.id for s in quick_pages[:5]]
    assert sorted(source.summaries(some), key=lambda s: s.id) == sorted(
        context.incidents.summaries(some), key=lambda s: s.id
    )


def test_no_quick_start_for_a_missing_old_or_foreign_file(context: AppContext, tmp_path: Path) -> None:
    assert quick_queue_source(tmp_path / "absent.sqlite3") is None
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    assert quick_queue_source(garbage) is None
    with context.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001_initial'")
    assert quick_queue_source(context.paths.database) is None, "a migration is due: take the normal path"
