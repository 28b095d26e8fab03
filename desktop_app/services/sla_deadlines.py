"""Keeping ``sla_deadlines`` (models/sla.py) current: recompute the rows the triggers marked stale.

Two places call ``refresh_stale``:
- just before every write transaction of this client commits (``install_commit_hook``), for the
  incidents that transaction touched: edits, bulk changes and sync applies, so "Breaching soon" is
  right as soon as the change is visible (bounded: a bootstrap's thousands wait for the next);
- the background SLA check every minute (``SlaService.check_alerts``), for the rest: the open work
  after the upgrade to 0007, a bootstrap, a demo seed or a configuration change.
Until then a stale row keeps its previous moments (a new one has none).
"""

from __future__ import annotations

import logging
import uuid
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import delete, event, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sla import TRACKED_FIELDS, HistoryEvent, SlaFacts, compute_sla
from desktop_app.domain.sla_due import next_deadline
from desktop_app.models import AuditEvent, Incident
from desktop_app.models.sla import SlaDeadlineRow
from desktop_app.services.sla_config_store import load_config

log = logging.getLogger(__name__)

# SQLite allows 32766 bound parameters; stay far below it per IN (...) list.
CHUNK = 500
# Recomputed inside a user's own write at most (a status change touches one; a bulk change, a page).
ON_COMMIT_LIMIT = 500
STALE_SQL = text("SELECT incident_id FROM sla_deadlines WHERE stale = 1 LIMIT :limit")


def refresh_stale(session: Session, now: datetime, limit: int) -> int:
    """Recompute up to ``limit`` stale rows in the caller's transaction; how many were stale."""
    ids = [uuid.UUID(hex=row[0]) for row in session.execute(STALE_SQL, {"limit": limit})]
    if not ids:
        return 0
    policy = load_config(session).policy()
    rows = []
    for chunk in chunks(ids):
        for incident_id, facts in incident_facts(session, chunk).items():
            if not facts.status.is_open:
                continue
            deadline = next_deadline(compute_sla(facts, policy, now), policy, facts.status == Status.ON_HOLD)
            if deadline is not None:
                rows.append(
                    {
                        "incident_id": incident_id,
                        "warn_at": deadline.warn_at,
                        "due_at": deadline.due_at,
                        "clock": deadline.clock.value if deadline.clock else None,
                        "paused": deadline.paused,
                        "stale": False,
                    }
                )
        # Finished (or deleted) incidents lose their row: the table stays the size of the open work.
        session.execute(delete(SlaDeadlineRow).where(SlaDeadlineRow.incident_id.in_(chunk)))
    if rows:
        session.execute(insert(SlaDeadlineRow), rows)
    return len(ids)


def mark_all_stale(session: Session) -> None:
    """After a configuration change every deadline may move."""
    session.execute(text("UPDATE sla_deadlines SET stale = 1 WHERE stale = 0"))


def install_commit_hook(sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
    """Recompute, before each commit of a session from ``sessions``, what that transaction made stale."""
    if sessions in _hooked:
        return

    def before_commit(session: Session) -> None:
        # The savepoint below commits too, and so calls this again: once per commit, or a bootstrap's
        # hundred thousand stale rows would recurse 500 at a time until Python's stack ran out.
        if session.info.get(_REFRESHING):
            return
        session.flush()
        if session.execute(STALE_SQL, {"limit": 1}).first() is None:
            return
        session.info[_REFRESHING] = True
        try:
            with session.begin_nested():
                refresh_stale(session, clock(), ON_COMMIT_LIMIT)
        except (ValidationError, OperationalError):
            # An SLA configuration the clocks cannot use (or a damaged schema without its tables)
            # must not cost the user their edit: the rows stay stale, the SLA views show the problem.
            log.warning("SLA deadlines left stale", exc_info=True)
        finally:
            session.info.pop(_REFRESHING, None)

    _hooked.add(sessions)
    event.listen(sessions, "before_commit", before_commit)


_hooked: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()
_REFRESHING = "sla_deadlines_refreshing"  # a Session.info key


def chunks(ids: list[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def incident_facts(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, SlaFacts]:
    """What the clocks of these incidents are computed from, in two queries per 500."""
    facts: dict[uuid.UUID, SlaFacts] = {}
    for chunk in chunks(ids):
        events: dict[uuid.UUID, list[HistoryEvent]] = defaultdict(list)
        for row in session.execute(
            select(
                AuditEvent.incident_id,
                AuditEvent.device_time,
                AuditEvent.field,
                AuditEvent.old_value,
                AuditEvent.new_value,
            ).where(AuditEvent.incident_id.in_(chunk), AuditEvent.field.in_(TRACKED_FIELDS))
        ):
            events[row.incident_id].append(HistoryEvent(row.device_time, row.field, row.old_value, row.new_value))
        for row in session.execute(
            select(Incident.id, Incident.reported_at, Incident.status, Incident.priority).where(Incident.id.in_(chunk))
        ):
            facts[row.id] = SlaFacts(
                row.reported_at, Status(row.status), Priority(row.priority), tuple(events.get(row.id, ()))
            )
    return facts
