"""The migrated template database and raw looks at a test's tables (for asserting what was written)."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from desktop_app.context import AppContext, open_context
from desktop_app.domain.ids import new_id
from desktop_app.models import AuditEvent, OutboxEntry, Reporter
from desktop_app.paths import AppPaths
from tests.support.fakes import TEMPLATE_START, FixedClock, SequentialIds

LOCAL_USERNAME = "tester"
LOCAL_AGENT_NAME = "Terry Tester"


def build_template(data_dir: Path) -> Path:
    """Migrate and initialise a data dir once (device, local agent, default categories and groups)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOGNAME", LOCAL_USERNAME)  # getpass.getuser() reads it first
        context = open_context(data_dir, clock=FixedClock(TEMPLATE_START), ids=SequentialIds(TEMPLATE_START))
    try:
        context.directory.rename_me(LOCAL_AGENT_NAME)
        with context.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        context.close()
    return context.paths.database


def copy_database(template: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    target = AppPaths(data_dir).database
    shutil.copyfile(template, target)
    wal = template.with_name(template.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))


def rows(context: AppContext, sql: str, **params: Any) -> list[dict[str, Any]]:
    with context.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


def count(context: AppContext, table: str, where: str = "1=1", **params: Any) -> int:
    with context.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"), params).scalar_one())


def max_seq(context: AppContext) -> int:
    with context.engine.connect() as conn:
        return int(conn.execute(text("SELECT coalesce(max(seq), 0) FROM outbox")).scalar_one())


def outbox_after(context: AppContext, seq: int) -> list[OutboxEntry]:
    """Outbox entries written after ``seq`` (take ``max_seq`` before the call under test), detached."""
    with Session(context.engine) as session:
        return list(session.scalars(select(OutboxEntry).where(OutboxEntry.seq > seq).order_by(OutboxEntry.seq)))


def audit_events(context: AppContext, incident_id: uuid.UUID) -> list[AuditEvent]:
    with Session(context.engine) as session:
        stmt = select(AuditEvent).where(AuditEvent.incident_id == incident_id)
        return list(session.scalars(stmt.order_by(AuditEvent.device_time, AuditEvent.id)))


def insert_reporters(context: AppContext, people: list[dict[str, Any]]) -> None:
    """Bulk insert through SQLAlchemy Core (the FTS triggers still fire): for tests that need many rows."""
    now = datetime.now(UTC)
    records = []
    for person in people:
        email = person.get("email")
        phone = person.get("phone")
        records.append(
            {
                "id": new_id(),
                "name": person["name"],
                "name_key": person["name"].casefold(),
                "email": email.casefold() if email else None,
                "phone": phone,
                "phone_digits": "".join(ch for ch in phone if ch.isdigit()) if phone else None,
                "department": None,
                "location": None,
                "is_vip": person.get("is_vip", False),
                "created_at": now,
                "updated_at": now,
            }
        )
    with context.engine.begin() as conn:
        conn.execute(insert(Reporter), records)


def row_counts(context: AppContext) -> tuple[int, ...]:
    """Incidents, outbox entries, reporters, audit events and notes: equal before and after means nothing written."""
    return tuple(count(context, t) for t in ("incidents", "outbox", "reporters", "audit_events", "notes"))
