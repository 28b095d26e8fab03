"""Bulk changes: preview, one transaction per incident with audit and outbox, skips, one undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.context import AppContext
from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.errors import ValidationError
from desktop_app.services.bulk_service import BulkChange, BulkService
from tests.support.builders import make_agent
from tests.support.database import count
from tests.support.fakes import FixedClock


@pytest.fixture
def three(context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]) -> list:
    made = []
    for n in range(3):
        clock.advance(minutes=1)
        made.append(make_incident(f"Bulk test {n}", category_path="Network > VPN", impact=3, urgency=3))
    return made


def _outbox(context: AppContext, name: str) -> int:
    return count(context, "outbox", f"name = '{name}'")


def test_preview_shows_before_and_after_and_what_will_be_skipped(context: AppContext, three: list) -> None:
    context.incidents.change_status(three[2].id, Status.CANCELED)
    bulk = BulkService(context.incidents)
    lines = bulk.preview([i.id for i in three], BulkChange("priority", priority=Priority.P2, reason="Outage"))
    assert [(line.before, line.after) for line in lines] == [("P5", "P2")] * 3
    assert [line.changes for line in lines] == [True, True, False]
    assert lines[2].problem == "canceled and read-only"


def test_apply_changes_each_incident_with_audit_and_outbox_then_undo(context: AppContext, three: list) -> None:
    bulk = BulkService(context.incidents)
    ids = [i.id for i in three]
    outbox_before = _outbox(context, "update_fields")
    outcome = bulk.apply(ids, BulkChange("category", category_path="Hardware > Printer"))
    assert outcome.changed == [i.display_number for i in three]
    assert {c.entity_id for c in outcome.changes.changes} == set(ids)
    assert _outbox(context, "update_fields") == outbox_before + 3, "one mutation per incident: it syncs"
    assert {context.incidents.get(i).category_path for i in ids} == {"Hardware > Printer"}
    assert count(context, "audit_events", "field = 'category_id'") == 3
    undone = bulk.undo()
    assert len(undone.changed) == 3
    assert {context.incidents.get(i).category_path for i in ids} == {"Network > VPN"}
    assert not bulk.can_undo
    with pytest.raises(ValidationError, match="no bulk change"):
        bulk.undo()


def test_assign_unassign_status_and_note(context: AppContext, three: list) -> None:
    bulk = BulkService(context.incidents)
    ids = [i.id for i in three]
    agent = make_agent(context, "Dana Desk")
    bulk.apply(ids, BulkChange("assignee", assignee_id=agent.id))
    assert {context.incidents.get(i).assignee_name for i in ids} == {"Dana Desk"}
    assert {context.incidents.get(i).status for i in ids} == {Status.ASSIGNED}
    bulk.apply(ids, BulkChange("assignee", assignee_id=None))
    assert {context.incidents.get(i).assignee_id for i in ids} == {None}
    bulk.undo()
    assert {context.incidents.get(i).assignee_name for i in ids} == {"Dana Desk"}
    outcome = bulk.apply(ids, BulkChange("status", status=Status.IN_PROGRESS))
    assert len(outcome.changed) == 3
    skipped = bulk.apply(ids, BulkChange("status", status=Status.RESOLVED))
    assert skipped.changed == []
    assert "needs a resolution code" in skipped.skipped[0][1]  # the details are asked for once
    notes_before = count(context, "notes")
    noted = bulk.apply(ids[:2], BulkChange("note", note="Vendor contacted about the outage"))
    assert len(noted.changed) == 2
    assert count(context, "notes") == notes_before + 2
    assert _outbox(context, "add_note") >= 2
    after_undo = bulk.undo()
    assert after_undo.changed == []
    assert count(context, "notes") == notes_before + 2, "notes are append-only"


def test_priority_override_and_its_undo(context: AppContext, three: list) -> None:
    bulk = BulkService(context.incidents)
    ids = [i.id for i in three]
    bulk.apply(ids, BulkChange("priority", priority=Priority.P1, reason="Site-wide outage"))
    detail = context.incidents.get(ids[0])
    assert (detail.priority, detail.priority_override_reason) == (Priority.P1, "Site-wide outage")
    bulk.undo()
    detail = context.incidents.get(ids[0])
    assert (detail.priority, detail.priority_override_reason) == (Priority.P5, None)
