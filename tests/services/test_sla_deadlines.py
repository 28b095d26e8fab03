""" "Breaching soon" by the SLA clocks: stored deadlines kept current by triggers and the SLA service.

Real SQLite file, FixedClock from Monday 2 March 2026 09:30 London. A P2 (default targets) has a
2 h response and 8 h resolution target in office hours (08:00-18:00), warned at 75%.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentPatch
from desktop_app.domain.enums import HoldReason, Status
from desktop_app.domain.queue_filter import QueueQuery, QueueSort, builtin_view
from desktop_app.domain.sla import ClockState
from desktop_app.services.sla_deadlines import ON_COMMIT_LIMIT
from tests.support.builders import make_incident, resolve
from tests.support.fakes import TEST_START, FixedClock

BREACHING = builtin_view("breaching").query


def in_view(context: AppContext) -> set[uuid.UUID]:
    return {row.summary.id for row in context.queue.page(BREACHING, 1000)}


def stored(context: AppContext, incident_id: uuid.UUID) -> tuple | None:
    with context.engine.connect() as conn:
        return conn.execute(
            text("SELECT warn_at, clock, paused, stale FROM sla_deadlines WHERE incident_id = :id"),
            {"id": incident_id.hex},
        ).first()


def p2(context: AppContext):
    return make_incident(context, impact=1, urgency=2)


def test_an_incident_enters_when_its_warning_time_passes(context: AppContext, clock: FixedClock) -> None:
    incident = p2(context)
    warn_at, kind, paused, stale = stored(context, incident.id)
    # The response clock warns first: 75% of 2 h after 09:30.
    assert (warn_at, kind, paused, stale) == ("2026-03-02 11:00:00.000000", "response", 0, 0)
    clock.advance(minutes=89)
    assert incident.id not in in_view(context)
    clock.advance(minutes=2)
    assert incident.id in in_view(context)
    assert context.queue.counts(BREACHING).matches == 1


def test_working_it_moves_the_warning_to_the_resolution_clock(context: AppContext, clock: FixedClock) -> None:
    incident = p2(context)
    clock.advance(minutes=100)
    assert incident.id in in_view(context)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    assert incident.id not in in_view(context), "the response clock stopped; resolution is at 21%"
    # Resolution: 75% of 8 office hours from 09:30 is 15:30 the same day.
    assert stored(context, incident.id)[:2] == ("2026-03-02 15:30:00.000000", "resolution")
    clock.set(TEST_START.replace(hour=15, minute=31))
    assert incident.id in in_view(context)


def test_a_hold_takes_it_out_and_ending_the_hold_brings_it_back(context: AppContext, clock: FixedClock) -> None:
    incident = p2(context)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    clock.advance(hours=7)  # 16:30: resolution at 7/8, past the warning
    assert incident.id in in_view(context)
    context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)
    assert incident.id not in in_view(context)
    assert stored(context, incident.id)[2:] == (1, 0)  # paused, computed
    clock.advance(days=3)  # a paused clock never comes due
    assert incident.id not in in_view(context)
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    assert incident.id in in_view(context)


def test_resolving_takes_it_out_and_drops_its_row(context: AppContext, clock: FixedClock) -> None:
    incident = p2(context)
    clock.advance(hours=7)  # 16:30: response breached, resolution at 7/8
    assert incident.id in in_view(context)
    resolve(context, incident)
    assert incident.id not in in_view(context)
    assert stored(context, incident.id) is None
    context.incidents.change_status(incident.id, Status.IN_PROGRESS, reason="It jams again")  # reopen
    assert incident.id in in_view(context), "the reopened resolution clock resumes at 7/8"


def test_a_priority_change_moves_the_deadline(context: AppContext, clock: FixedClock) -> None:
    incident = make_incident(context, impact=3, urgency=3)  # low priority: days of office hours
    context.incidents.change_status(incident.id, Status.IN_PROGRESS)
    before = stored(context, incident.id)[0]
    clock.advance(hours=1)
    assert incident.id not in in_view(context)
    context.incidents.update(incident.id, IncidentPatch(impact=1, urgency=1))  # P1: 4 h round the clock
    after = stored(context, incident.id)[0]
    assert after < before
    clock.advance(hours=3)
    assert incident.id in in_view(context)


def test_stale_rows_wait_for_the_background_check_and_config_changes_recompute(
    context: AppContext, clock: FixedClock
) -> None:
    incidents = [p2(context) for _ in range(3)]
    with context.engine.begin() as conn:  # as a bootstrap or the demo seeder leaves them (no session)
        conn.execute(text("UPDATE sla_deadlines SET stale = 1, warn_at = NULL"))
    clock.advance(minutes=100)  # 11:10
    assert in_view(context) == set()
    context.sla.check_alerts()
    assert in_view(context) == {i.id for i in incidents}
    config = context.sla.config()
    context.sla.save_config(config.__class__(config.calendars, config.targets, warn_share=0.99))
    assert in_view(context) == set(), "at 99% of 2 h the response clock warns at 11:28:48"


def test_the_view_agrees_with_the_sla_column(context: AppContext, clock: FixedClock) -> None:
    made = []
    for n in range(8):
        clock.advance(minutes=25)
        incident = make_incident(context, impact=1 + n % 3, urgency=1 + n % 2)
        if n % 3 == 1:
            context.incidents.change_status(incident.id, Status.IN_PROGRESS)
        if n % 4 == 2:
            context.incidents.change_status(incident.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR)
        made.append(incident.id)
    for _ in range(12):
        clock.advance(minutes=40)
        statuses = context.sla.status_many(made)
        details = {i: context.incidents.get(i) for i in made}
        expected = {
            i
            for i in made
            if statuses[i].most_urgent.state in (ClockState.WARNING, ClockState.BREACHED)
            and details[i].status != Status.ON_HOLD
        }
        assert in_view(context) == expected


def test_breaching_soon_is_an_index_range(context: AppContext) -> None:
    p2(context)
    lines = context.queue.explain(BREACHING)
    assert any("sla_deadlines USING" in line and "warn_at" in line for line in lines), lines
    assert context.queue.counts(QueueQuery(breaching_soon=True)).matches == 0


def test_an_unusable_sla_configuration_never_costs_an_edit(context: AppContext) -> None:
    incident = p2(context)
    with context.engine.begin() as conn:
        conn.execute(text("DELETE FROM sla_targets WHERE priority = 'P2'"))
    changed = context.incidents.change_status(incident.id, Status.IN_PROGRESS).value
    assert changed.status == Status.IN_PROGRESS
    assert stored(context, incident.id)[3] == 1, "left stale until the configuration is whole again"


def test_the_upgrade_to_0007_marks_the_open_work_for_the_background_check(
    context: AppContext, clock: FixedClock
) -> None:
    from alembic import command

    from desktop_app.db.migrate import alembic_config

    waiting, done = p2(context), p2(context)
    resolve(context, done)
    command.downgrade(alembic_config(context.engine), "0006_mail")
    command.upgrade(alembic_config(context.engine), "head")
    assert stored(context, waiting.id)[3] == 1
    assert stored(context, done.id) is None, "only open incidents have deadlines"
    clock.advance(minutes=100)
    assert in_view(context) == set()
    context.sla.check_alerts()
    assert in_view(context) == {waiting.id}


def test_a_commit_with_more_stale_rows_than_its_share_refreshes_its_share_once(context: AppContext) -> None:
    """A bootstrap or a large pull leaves thousands stale: the commit hook takes ON_COMMIT_LIMIT and
    leaves the rest to the background check. (Its savepoint's own commit used to call the hook
    again, 500 more each time, until a bootstrap of 100,000 ran out of stack.)"""
    template = p2(context)
    extra = ON_COMMIT_LIMIT * 2 + 150
    with context.incidents._env.sessions() as session:
        columns = [row[1] for row in session.execute(text("PRAGMA table_info(incidents)"))]
        chosen = ", ".join(
            {"id": "lower(hex(randomblob(16)))", "number": "(SELECT max(number) FROM incidents) + n"}.get(c, c)
            for c in columns
        )
        session.execute(
            text(
                "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count) "
                f"INSERT INTO incidents ({', '.join(columns)}) SELECT {chosen} FROM seq, incidents "
                "WHERE incidents.id = :template"
            ),
            {"count": extra, "template": template.id.hex},
        )
        session.commit()
    with context.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM sla_deadlines WHERE stale = 1")).scalar()
    assert left == extra - ON_COMMIT_LIMIT
    context.sla.refresh_all_deadlines()
    with context.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sla_deadlines WHERE stale = 1")).scalar() == 0


def test_breaching_soon_lists_the_soonest_due_first_and_the_sla_column_sorts(
    context: AppContext, clock: FixedClock
) -> None:
    p2_first = p2(context)  # 09:30, response due 11:30 (2 h in office hours), warned from 11:00
    clock.advance(minutes=20)
    p1 = make_incident(context, "Core switch down", impact=1, urgency=1)  # 09:50, response due 10:50
    p2_second = p2(context)  # 09:50, response due 11:50
    quiet = make_incident(context, "New mouse please")  # P5: days away
    clock.advance(minutes=85)  # 11:15
    context.incidents.change_status(p2_second.id, Status.IN_PROGRESS)  # responded: resolution due 17:50
    soonest_first = [p1.id, p2_first.id, p2_second.id, quiet.id]

    assert [row.summary.id for row in context.queue.page(BREACHING, 10)] == [p1.id, p2_first.id]
    by_sla = [row.summary.id for row in context.queue.page(QueueQuery(sort=QueueSort("sla", descending=False)), 10)]
    assert by_sla == soonest_first
    latest_first = context.queue.page(QueueQuery(sort=QueueSort("sla", descending=True)), 10)
    assert [row.summary.id for row in latest_first] == soonest_first[::-1]

    resolve(context, p2_first)  # no running clock: after every incident that has one
    by_sla = [row.summary.id for row in context.queue.page(QueueQuery(sort=QueueSort("sla", descending=False)), 10)]
    assert by_sla == [p1.id, p2_second.id, quiet.id, p2_first.id]


def test_a_search_alone_says_it_is_not_sorted_by_sla(context: AppContext) -> None:
    make_incident(context, "Printer jams on floor 3")
    counts = context.queue.counts(QueueQuery(search="printer", sort=QueueSort("sla"), by_relevance=False))
    assert "not sorted by SLA" in counts.note
