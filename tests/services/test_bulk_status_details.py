"""Bulk On hold / Resolve / Close: the details asked once, the domain's rules per incident, one undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_app.context import AppContext
from desktop_app.domain.enums import HoldReason, NoteKind, Status
from desktop_app.services.bulk_service import BulkChange, BulkService
from tests.support.builders import CLOSURE_DOCS, resolve
from tests.support.database import count
from tests.support.fakes import FixedClock

RESOLVE = BulkChange(
    "status", status=Status.RESOLVED, resolution_code="fixed", resolution_steps="  Restarted the print spooler "
)
CLOSE = BulkChange(
    "status",
    status=Status.CLOSED,
    root_cause_category="software",
    root_cause="Spooler leak after the update",
    reporter_informed=True,
)


def _status(context: AppContext, incident) -> Status:
    return context.incidents.get(incident.id).status


def _outbox(context: AppContext) -> int:
    return count(context, "outbox", "name = 'change_status'")


def test_resolve_a_mixed_selection_then_undo(
    context: AppContext, clock: FixedClock, make_incident: Callable[..., Any]
) -> None:
    working, held, fresh, canceled, done = (make_incident(f"Spooler {n}") for n in range(5))
    context.incidents.change_status(working.id, Status.IN_PROGRESS)
    context.incidents.change_status(held.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR)
    context.incidents.change_status(canceled.id, Status.CANCELED)
    resolve(context, done)
    ids = [i.id for i in (working, held, fresh, canceled, done)]
    bulk = BulkService(context.incidents)

    lines = bulk.preview(ids, RESOLVE)
    assert [line.problem for line in lines] == [
        None,
        None,
        None,
        "cannot go from canceled to resolved",
        "already resolved",
    ]
    assert (lines[1].before, lines[1].after) == ("On hold: awaiting vendor", "Resolved: fixed")
    assert (
        bulk.preview(ids[:1], BulkChange("status", status=Status.RESOLVED, resolution_code="fixed"))[0].problem
        == "Resolving needs resolution notes: what was done."
    )

    before = _outbox(context)
    clock.advance(minutes=5)
    outcome = bulk.apply(ids, RESOLVE)
    assert outcome.changed == [working.display_number, held.display_number, fresh.display_number]
    assert [number for number, _ in outcome.skipped] == [canceled.display_number, done.display_number]
    assert _outbox(context) == before + 3, "one change_status mutation per incident: it syncs"
    resolved = context.incidents.get(held.id)
    assert (resolved.status, resolved.resolution_code, resolved.resolution_steps) == (
        Status.RESOLVED,
        "fixed",
        "Restarted the print spooler",
    )
    assert resolved.hold_reason is None

    undone = bulk.undo()
    assert _status(context, working) == Status.IN_PROGRESS
    back = context.incidents.get(held.id)
    assert (back.status, back.hold_reason) == (Status.ON_HOLD, HoldReason.AWAITING_VENDOR)
    assert back.resolution_code == "fixed", "kept, as a single Reopen keeps it"
    # New cannot be reached from In progress: reopened, and said so.
    assert _status(context, fresh) == Status.IN_PROGRESS
    assert undone.changed == [working.display_number, held.display_number]
    [(number, why)] = undone.skipped
    assert number == fresh.display_number
    assert "cannot go from in progress back to new" in why
    reopen_notes = [n for n in context.incidents.get(held.id).notes if n.kind == NoteKind.SYSTEM]
    assert any("Undoing the bulk change to resolved" in n.body for n in reopen_notes)
    assert _status(context, canceled) == Status.CANCELED
    assert _status(context, done) == Status.RESOLVED
    assert not bulk.can_undo


def test_close_needs_what_close_needs_and_undo_resolves_again(
    context: AppContext, make_incident: Callable[..., Any]
) -> None:
    first, second, working = (make_incident(f"Mail {n}") for n in range(3))
    resolve(context, first)
    resolve(context, second)
    context.incidents.change_status(working.id, Status.IN_PROGRESS)
    ids = [first.id, second.id, working.id]
    bulk = BulkService(context.incidents)

    untold = BulkChange("status", status=Status.CLOSED, root_cause_category="software", root_cause="Leak")
    assert {line.problem for line in bulk.preview(ids[:2], untold)} == {
        "Closing needs confirmation that the reporter was informed, or why not."
    }
    lines = bulk.preview(ids, CLOSE)
    assert [line.problem for line in lines] == [None, None, "cannot go from in progress to closed"]
    assert lines[0].after == f"Closed: {CLOSURE_DOCS['resolution_code'].replace('_', ' ')}"

    outcome = bulk.apply(ids, CLOSE)
    assert outcome.changed == [first.display_number, second.display_number]
    closed = context.incidents.get(first.id)
    assert (closed.status, closed.root_cause, closed.reporter_informed) == (
        Status.CLOSED,
        "Spooler leak after the update",
        True,
    )
    assert closed.resolution_code == CLOSURE_DOCS["resolution_code"], "each keeps its own resolution"

    undone = bulk.undo()
    assert undone.changed == [first.display_number, second.display_number]
    assert not undone.skipped
    again = context.incidents.get(second.id)
    assert (again.status, again.resolution_code) == (Status.RESOLVED, CLOSURE_DOCS["resolution_code"])


def test_hold_needs_a_reason_and_undo_puts_the_old_status_back(
    context: AppContext, make_incident: Callable[..., Any]
) -> None:
    assigned, working = (make_incident(f"VPN {n}") for n in range(2))
    context.incidents.change_status(assigned.id, Status.ASSIGNED)
    context.incidents.change_status(working.id, Status.IN_PROGRESS)
    ids = [assigned.id, working.id]
    bulk = BulkService(context.incidents)
    assert {line.problem for line in bulk.preview(ids, BulkChange("status", status=Status.ON_HOLD))} == {
        "Putting an incident on hold needs a reason (awaiting_caller, awaiting_vendor, awaiting_change, "
        "awaiting_problem)."
    }
    hold = BulkChange("status", status=Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CHANGE)
    assert bulk.apply(ids, hold).changed == [assigned.display_number, working.display_number]
    assert {context.incidents.get(i).hold_reason for i in ids} == {HoldReason.AWAITING_CHANGE}
    bulk.undo()
    assert [_status(context, i) for i in (assigned, working)] == [Status.ASSIGNED, Status.IN_PROGRESS]
    assert {context.incidents.get(i).hold_reason for i in ids} == {None}


def test_close_keeps_each_ones_resolution_and_refuses_the_one_that_lacks_it(
    context: AppContext, make_incident: Callable[..., Any]
) -> None:
    from sqlalchemy import text

    whole, bare = (make_incident(f"Printer {n}") for n in range(2))
    resolve(context, whole)
    resolve(context, bare)
    with context.engine.begin() as conn:  # as an old record synced from elsewhere might hold it
        conn.execute(text("UPDATE incidents SET resolution_steps = NULL WHERE id = :id"), {"id": bare.id.hex})
    bulk = BulkService(context.incidents)
    lines = bulk.preview([whole.id, bare.id], CLOSE)
    assert [line.problem for line in lines] == [None, "Closing needs resolution notes: what was done."]
    outcome = bulk.apply([whole.id, bare.id], CLOSE)
    assert outcome.changed == [whole.display_number]
    assert _status(context, bare) == Status.RESOLVED
