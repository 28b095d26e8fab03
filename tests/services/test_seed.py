"""SeedService on a real SQLite file: counts, storage form, time-ordered keys, numbering, plausibility."""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.context import AppContext, open_context
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.domain.errors import ValidationError
from desktop_app.services.demo_encoding import db_time, micros_of, uuid7_hex
from desktop_app.services.seed_service import SeedPlan, SeedService, email_part

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
PLAN = SeedPlan(incidents=600, reporters=80, seed=11, chunk_size=150)


def fixed_clock() -> datetime:
    return NOW


def _open(path: Path) -> AppContext:
    return open_context(path, clock=fixed_clock)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory):
    """One seeded data directory shared by the read-only tests: (context, report, progress seen)."""
    context = _open(tmp_path_factory.mktemp("seeded"))
    progress = []
    report = SeedService(context.engine, context.incidents.matrix, clock=fixed_clock).seed(PLAN, progress.append)
    yield context, report, progress
    context.close()


def _rows(context: AppContext, sql: str) -> list[tuple]:
    connection = sqlite3.connect(context.paths.database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_report_counts_what_was_written(seeded):
    context, report, _ = seeded

    assert (report.incidents_added, report.reporters_added) == (600, 80)
    assert (report.first_number, report.last_number) == (1, 600)
    assert (report.groups_added, report.agents_added) == (3, 9)
    assert context.incidents.count() == 600
    assert context.reporters.count() == 80
    assert _rows(context, "SELECT value FROM counters WHERE name = 'incident_number'") == [(600,)]


def test_progress_is_reported_per_chunk(seeded):
    _, _, progress = seeded

    stages = [(p.stage, p.done) for p in progress]
    assert stages == [("reporters", 80), ("incidents", 150), ("incidents", 300), ("incidents", 450), ("incidents", 600)]


def test_demo_rows_write_no_outbox_or_audit(seeded):
    context, _, _ = seeded

    outbox_names = {name for (name,) in _rows(context, "SELECT DISTINCT name FROM outbox")}
    assert "create_incident" not in outbox_names
    assert "create_reporter" not in outbox_names
    assert _rows(context, "SELECT count(*) FROM audit_events") == [(0,)]


def test_ids_are_stored_like_sqlalchemy_and_follow_time(seeded):
    context, _, _ = seeded

    rows = _rows(context, "SELECT id, number, created_at FROM incidents ORDER BY id")
    for stored_id, _, _ in rows:
        assert len(stored_id) == 32
        parsed = uuid.UUID(hex=stored_id)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert parsed.hex == stored_id
    assert [number for _, number, _ in rows] == sorted(number for _, number, _ in rows)
    assert [created for _, _, created in rows] == sorted(created for _, _, created in rows)
    agent_id = _rows(context, "SELECT id FROM agents LIMIT 1")[0][0]
    assert len(rows[0][0]) == len(agent_id)  # same storage form as rows the ORM wrote


def test_services_read_seeded_rows(seeded):
    context, _, _ = seeded

    newest = context.incidents.list_recent(limit=1)[0]
    detail = context.incidents.get(newest.id)
    oldest = context.incidents.get_by_number(1)

    assert detail.number == 600
    assert detail.created_at.tzinfo is not None
    assert NOW - timedelta(days=731) <= oldest.created_at < detail.created_at < NOW
    assert oldest.occurred_at <= oldest.created_at
    assert context.reporters.search("example.com", limit=3)


def test_old_incidents_are_mostly_closed_with_closure_documentation(seeded):
    context, _, _ = seeded

    month_ago = db_time(micros_of(NOW - timedelta(days=30)))
    statuses = dict(
        _rows(context, f"SELECT status, count(*) FROM incidents WHERE created_at < '{month_ago}' GROUP BY 1")
    )
    finished = statuses.get("closed", 0) + statuses.get("resolved", 0) + statuses.get("canceled", 0)
    assert finished / sum(statuses.values()) > 0.95
    undocumented = _rows(
        context,
        "SELECT count(*) FROM incidents WHERE (status = 'closed' AND (root_cause IS NULL OR resolution_code IS NULL "
        "OR resolution_steps IS NULL OR closed_at IS NULL)) OR (status = 'resolved' AND resolved_at IS NULL)",
    )
    assert undocumented == [(0,)]
    disordered = _rows(
        context,
        "SELECT count(*) FROM incidents WHERE resolved_at < created_at OR closed_at < resolved_at "
        "OR updated_at < created_at OR occurred_at > created_at",
    )
    assert disordered == [(0,)]


def test_priority_follows_the_matrix_unless_overridden_with_a_reason(seeded):
    context, _, _ = seeded

    matrix = context.incidents.matrix
    for impact, urgency, priority, reason in _rows(
        context, "SELECT impact, urgency, priority, priority_override_reason FROM incidents"
    ):
        if reason is None:
            assert priority == matrix.priority(impact, urgency).value
        else:
            assert priority < matrix.priority(impact, urgency).value  # raised, e.g. for a VIP


def test_reporter_emails_are_unique_demo_addresses(seeded):
    context, _, _ = seeded

    emails = [email for (email,) in _rows(context, "SELECT email FROM reporters")]
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@example.com") and "." in email.split("@")[0] for email in emails)


def test_a_second_run_continues_numbers_and_emails(tmp_path):
    context = _open(tmp_path)
    try:
        context.incidents.create(IncidentDraft(description="A real call first"))
        seeder = SeedService(context.engine, context.incidents.matrix, clock=fixed_clock)

        first = seeder.seed(SeedPlan(incidents=50, reporters=10, seed=1))
        second = seeder.seed(SeedPlan(incidents=50, reporters=10, seed=1))
        after = context.incidents.create(IncidentDraft(description="A real call after")).value
    finally:
        context.close()

    assert (first.first_number, first.last_number) == (2, 51)
    assert (second.first_number, second.last_number) == (52, 101)
    assert (second.groups_added, second.agents_added) == (0, 0)
    assert after.number == 102
    emails = [email for (email,) in _rows(context, "SELECT email FROM reporters")]
    assert len(emails) == len(set(emails)) == 20


def test_same_seed_and_clock_give_the_same_content(tmp_path):
    def incidents_of(path: Path) -> list[tuple]:
        context = _open(path)
        try:
            SeedService(context.engine, context.incidents.matrix, clock=fixed_clock).seed(
                SeedPlan(incidents=40, reporters=10, seed=99)
            )
            return _rows(context, "SELECT number, title, status, priority, created_at, reporter_email FROM incidents")
        finally:
            context.close()

    assert incidents_of(tmp_path / "a") == incidents_of(tmp_path / "b")


def test_negative_counts_are_refused(tmp_path):
    context = _open(tmp_path)
    try:
        with pytest.raises(ValidationError, match="cannot be negative"):
            SeedService(context.engine).seed(SeedPlan(incidents=-1, reporters=0))
    finally:
        context.close()


def test_uuid7_hex_is_a_valid_time_ordered_uuid():
    rng = random.Random(3)
    moment = micros_of(datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC))

    made = [uuid.UUID(hex=uuid7_hex(moment + step, rng)) for step in range(0, 5000, 250)]

    assert all((u.version, u.variant) == (7, uuid.RFC_4122) for u in made)
    assert made == sorted(made)
    assert int.from_bytes(made[0].bytes[:6], "big") == moment // 1000


def test_db_time_matches_sqlalchemy_storage_form():
    assert db_time(micros_of(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))) == "2025-01-02 03:04:05.000000"


def test_email_part_is_plain_ascii():
    assert (email_part("Zoë"), email_part("O'Brien"), email_part("Łukasz")) == ("zoe", "obrien", "lukasz")
