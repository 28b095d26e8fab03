"""Working an incident: worklog, escalation, workaround, knowledge, resolution, SLA, communication (issue 7)

Reserved so that work on several issues can go on at once with a linear chain; the issue that owns
this revision fills in upgrade().

Revision ID: 0005_work
Revises: 0004_attachments
Create Date: 2026-11-26 17:50:00
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_work"
down_revision = "0004_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_work_tables()
    _create_sla_tables()
    _create_template_tables()


def downgrade() -> None:
    _drop_template_tables()
    _drop_sla_tables()
    _drop_work_tables()


# --- worklog, escalation, closure documentation, knowledge (issue 7, the workflow part) -------------

# Closure documentation beyond the resolution code, notes and root cause text of 0001.
INCIDENT_COLUMNS = (
    ("root_cause_category", sa.String(length=40)),
    ("reporter_informed", sa.Boolean()),
    ("reporter_not_informed_reason", sa.String(length=500)),
)
# A worklog entry's time and audience; an escalation's or reason note's structured facts.
NOTE_COLUMNS = (
    ("time_spent_minutes", sa.Integer()),
    ("visibility", sa.String(length=10)),
    ("details", sa.JSON()),
)


def _create_work_tables() -> None:
    # ADD COLUMN only: SQLite does it in place, without copying a large table.
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, kind in INCIDENT_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for name, kind in NOTE_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "knowledge_entries",
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("symptom", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("source_incident_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_knowledge_entries_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["agents.id"],
            name=op.f("fk_knowledge_entries_created_by_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_incident_id"],
            ["incidents.id"],
            name=op.f("fk_knowledge_entries_source_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_entries")),
    )
    with op.batch_alter_table("knowledge_entries", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_entries_category", ["category_id"], unique=False)


def _drop_work_tables() -> None:
    op.drop_table("knowledge_entries")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for name, _kind in reversed(NOTE_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, _kind in reversed(INCIDENT_COLUMNS):
            batch_op.drop_column(name)


# --- SLA configuration and alerts (issue 7, the SLA part): local to this client, not synced -------

ROUND_THE_CLOCK_ID = "0190a000-0000-7000-8000-00000000517a"
OFFICE_HOURS_ID = "0190a000-0000-7000-8000-00000000517b"
OFFICE_WEEK = ["08:00-18:00"] * 5 + ["", ""]
# England and Wales bank holidays; more years (or another country's) are added in Settings > SLA.
BANK_HOLIDAYS = (
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
)
# priority: (response minutes, resolution minutes, calendar): P1 round the clock, the rest in office hours.
SLA_TARGETS = {
    "P1": (60, 4 * 60, ROUND_THE_CLOCK_ID),
    "P2": (2 * 60, 8 * 60, OFFICE_HOURS_ID),
    "P3": (4 * 60, 30 * 60, OFFICE_HOURS_ID),
    "P4": (10 * 60, 50 * 60, OFFICE_HOURS_ID),
    "P5": (20 * 60, 100 * 60, OFFICE_HOURS_ID),
}


def _create_sla_tables() -> None:
    calendars = op.create_table(
        "sla_calendars",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("week_hours", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_calendars_name")),
    )
    holidays = op.create_table(
        "sla_holidays",
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["sla_calendars.id"],
            name=op.f("fk_sla_holidays_calendar_id_sla_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_holidays")),
        sa.UniqueConstraint("calendar_id", "day", name=op.f("uq_sla_holidays_calendar_id_day")),
    )
    targets = op.create_table(
        "sla_targets",
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["sla_calendars.id"],
            name=op.f("fk_sla_targets_calendar_id_sla_calendars"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("priority", name=op.f("pk_sla_targets")),
    )
    settings = op.create_table(
        "sla_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warn_share", sa.Float(), nullable=False),
        sa.Column("auto_escalate", sa.Boolean(), nullable=False),
        sa.Column("escalation_group_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_group_id"],
            ["groups.id"],
            name=op.f("fk_sla_settings_escalation_group_id_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_settings")),
    )
    op.create_table(
        "sla_alerts",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("clock", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("alerted_at", sa.DateTime(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_sla_alerts_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "clock", "level", name=op.f("pk_sla_alerts")),
    )
    _seed_sla(calendars, holidays, targets, settings)


def _seed_sla(calendars: sa.Table, holidays: sa.Table, targets: sa.Table, settings: sa.Table) -> None:
    office, round_the_clock = uuid.UUID(OFFICE_HOURS_ID), uuid.UUID(ROUND_THE_CLOCK_ID)
    op.bulk_insert(
        calendars,
        [
            {"id": round_the_clock, "name": "Round the clock", "time_zone": "UTC", "week_hours": ["24h"] * 7},
            {"id": office, "name": "Office hours", "time_zone": "Europe/London", "week_hours": OFFICE_WEEK},
        ],
    )
    op.bulk_insert(
        holidays,
        [
            {"id": uuid.uuid5(office, day), "calendar_id": office, "day": date.fromisoformat(day), "name": name}
            for day, name in BANK_HOLIDAYS
        ],
    )
    op.bulk_insert(
        targets,
        [
            {"priority": p, "response_minutes": r, "resolution_minutes": s, "calendar_id": uuid.UUID(c)}
            for p, (r, s, c) in SLA_TARGETS.items()
        ],
    )
    op.bulk_insert(settings, [{"id": 1, "warn_share": 0.75, "auto_escalate": False, "escalation_group_id": None}])


def _drop_sla_tables() -> None:
    for table in ("sla_alerts", "sla_settings", "sla_targets", "sla_holidays", "sla_calendars"):
        op.drop_table(table)


# --- canned responses and outgoing messages (issue 7, the communication part) ----------------------------

TEMPLATE_NAMESPACE = uuid.UUID("0190a000-0000-7000-8000-00000000c0de")


def _create_template_tables() -> None:
    from desktop_app.domain.canned_responses import SEED_TEMPLATES

    templates = op.create_table(
        "response_templates",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_response_templates_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_response_templates_name")),
    )
    op.create_table(
        "outgoing_messages",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=True),
        sa.Column("route", sa.String(length=10), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("template_name", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_outgoing_messages_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_messages")),
    )
    with op.batch_alter_table("outgoing_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outgoing_messages_state", ["state"], unique=False)
        batch_op.create_index("ix_outgoing_messages_incident", ["incident_id", "created_at"], unique=False)
    seeded_at = datetime(2026, 11, 26)
    op.bulk_insert(
        templates,
        [
            {
                "id": uuid.uuid5(TEMPLATE_NAMESPACE, seed.name),
                "name": seed.name,
                "subject": seed.subject,
                "body": seed.body,
                "category_id": None,
                "updated_at": seeded_at,
            }
            for seed in SEED_TEMPLATES
        ],
    )


def _drop_template_tables() -> None:
    op.drop_table("outgoing_messages")
    op.drop_table("response_templates")
