"""SLA clocks for one incident or a page of them, warnings once per clock, optional auto-escalation.

The clocks are computed on read (domain/sla.py) from the incident row and its audited status and
priority changes, so a re-prioritisation or a synced offline hold recomputes them. The
configuration (calendars, holidays, targets, warning share, escalation group) is **local to this
client and not synced**: it changes no shared data, and a desk in another time zone may keep its
own hours. Auto-escalation is a functional escalation with the clock as its reason
(``EscalationService.escalate``): it shows in the timeline and syncs like one made by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import holidays as public_holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.enums import Priority
from desktop_app.domain.errors import HelpdeskError, NotFoundError, ValidationError
from desktop_app.domain.escalation import EscalationKind
from desktop_app.domain.ids import format_number, parse_number
from desktop_app.domain.sla import (
    ClockKind,
    ClockState,
    ClockStatus,
    SlaPolicy,
    SlaStatus,
    compute_sla,
)
from desktop_app.domain.sla_config import HolidayConfig, SlaAlertNotice, SlaConfig, format_duration
from desktop_app.models import Group, Incident, SlaAlert
from desktop_app.models.sla import SlaDeadlineRow
from desktop_app.services.escalation_service import EscalationService
from desktop_app.services.incident_service import IncidentService
from desktop_app.services.sla_config_store import load_config, save_config
from desktop_app.services.sla_deadlines import (
    STALE_SQL,
    chunks,
    incident_facts,
    install_commit_hook,
    mark_all_stale,
    refresh_stale,
)
from desktop_app.services.transaction import ServiceBase, ServiceEnv

# How many open incidents a background check looks at, newest first (a desk's live work).
# Stale deadlines recomputed per call: all the open work of a million-incident desk (~14,000) after
# an upgrade or a configuration change in a few background checks.
DEADLINE_REFRESH_LIMIT = 5000
ALERT_LEVELS = {ClockState.WARNING: "warning", ClockState.BREACHED: "breach"}


class SlaService(ServiceBase):
    def __init__(self, env: ServiceEnv, incidents: IncidentService) -> None:
        super().__init__(env)
        self._incidents = incidents
        install_commit_hook(env.sessions, env.clock)

    # --- configuration -------------------------------------------------------------------

    def config(self) -> SlaConfig:
        with self._read() as session:
            return load_config(session)

    def policy(self) -> SlaPolicy:
        return self.config().policy()

    def save_config(self, config: SlaConfig) -> SlaConfig:
        config.policy()  # every rule checked before anything is written
        missing = [p.value for p in Priority if p not in {t.priority for t in config.targets}]
        if missing:
            raise ValidationError(f"Give SLA targets for {', '.join(missing)}.", field="priority")
        with self._write() as scope:
            save_config(scope, config)
            mark_all_stale(scope.session)  # the commit recomputes the first of them
        return self.config()

    @staticmethod
    def public_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> list[HolidayConfig]:
        """A country's public holidays (the ``holidays`` package), e.g. ``("GB", "ENG", [2028])``."""
        try:
            found = public_holidays.country_holidays(
                country.strip().upper(), subdiv=(subdivision or "").strip().upper() or None, years=list(years)
            )
        except NotImplementedError as exc:
            raise ValidationError(f"No holiday list is known for {country!r}.", field="country") from exc
        except ImportError as exc:  # a bundle built without the holidays package's country modules
            raise ValidationError(f"The holiday lists are not installed with this copy ({exc}).") from exc
        return [HolidayConfig(day, name) for day, name in sorted(found.items())]

    # --- clocks --------------------------------------------------------------------------

    def status(self, incident_id: uuid.UUID) -> SlaStatus:
        result = self.status_many([incident_id])
        if incident_id not in result:
            raise NotFoundError("That incident no longer exists.")
        return result[incident_id]

    def status_by_number(self, number: int | str) -> tuple[uuid.UUID, int, SlaStatus]:
        value = number if isinstance(number, int) else parse_number(number)
        if value is None:
            raise ValidationError(f"{number!r} is not an incident number (like INC-000123).", field="number")
        with self._read() as session:
            incident_id = session.scalar(select(Incident.id).where(Incident.number == value))
        if incident_id is None:
            raise NotFoundError(f"There is no incident {format_number(value)}.")
        return incident_id, value, self.status(incident_id)

    def status_many(self, ids: Iterable[uuid.UUID], now: datetime | None = None) -> dict[uuid.UUID, SlaStatus]:
        """Clocks of many incidents in two queries per 500 (a queue page costs milliseconds)."""
        wanted = list(dict.fromkeys(ids))
        moment = now or self._env.clock()
        with self._read() as session:
            policy = load_config(session).policy()
            facts = incident_facts(session, wanted)
        return {incident_id: compute_sla(f, policy, moment) for incident_id, f in facts.items()}

    def refresh_deadlines(self, limit: int = DEADLINE_REFRESH_LIMIT) -> int:
        """Recompute stored deadlines the triggers marked stale (``services/sla_deadlines.py``);
        returns how many were, so a caller can tell whether more are left."""
        with self._read() as session:
            if session.execute(STALE_SQL, {"limit": 1}).first() is None:
                return 0  # the usual case costs one index probe and no write lock
        with self._write() as scope:
            return refresh_stale(scope.session, scope.now, limit)

    def refresh_all_deadlines(self) -> int:
        """Every stale deadline now, in chunks (a one-off process like the CLI has no background
        check); returns how many were recomputed."""
        total = 0
        while refreshed := self.refresh_deadlines():
            total += refreshed
        return total

    # --- warnings and escalation ---------------------------------------------------------

    def breaching_soon(self, limit: int = 50) -> list[tuple[uuid.UUID, ClockStatus]]:
        """Open incidents with a clock past the warning share but not yet breached, soonest due first.

        Candidates are every incident whose stored warning moment has passed, however old (the
        ``sla_deadlines`` index), brought up to date first.
        """
        self.refresh_deadlines()
        now = self._env.clock()
        with self._read() as session:
            candidates = _warned_candidates(session, now, SlaDeadlineRow.due_at > now)
        warned = [
            (incident_id, clock)
            for incident_id, status in self.status_many(candidates).items()
            for clock in status.clocks
            if clock.state == ClockState.WARNING
        ]
        warned.sort(key=lambda pair: pair[1].due_at or datetime.max.replace(tzinfo=UTC))
        return warned[:limit]

    def check_alerts(self) -> list[SlaAlertNotice]:
        """Clocks that passed the warning share or their target since the last check, each told once.

        With auto-escalation on, an incident whose clock passed the warning share is escalated to
        the escalation group (unless it is there already).
        """
        self.refresh_deadlines()
        now = self._env.clock()
        with self._read() as session:
            config = load_config(session)
            # Once the resolution clock has been told as breached, nothing new can come of an incident
            # (its response clock stops first or breaches first), so those are not computed again.
            finished = select(SlaAlert.incident_id).where(
                SlaAlert.clock == ClockKind.RESOLUTION.value, SlaAlert.level == "breach"
            )
            candidates = _warned_candidates(session, now, SlaDeadlineRow.incident_id.not_in(finished))
            told = {
                (row.incident_id, row.clock, row.level)
                for chunk in chunks(candidates)
                for row in session.scalars(select(SlaAlert).where(SlaAlert.incident_id.in_(chunk)))
            }
        statuses = self.status_many(candidates, now)
        due: list[tuple[uuid.UUID, ClockKind, ClockState, datetime | None, list[str]]] = []
        for incident_id, status in statuses.items():
            for clock in status.clocks:
                levels = _levels(clock.state)
                new = [level for level in levels if (incident_id, clock.kind.value, level) not in told]
                if new:
                    due.append((incident_id, clock.kind, clock.state, clock.due_at, new))
        if not due:
            return []
        most_urgent = {d[0]: statuses[d[0]].most_urgent for d in due}
        escalated = self._escalate(most_urgent, config) if config.auto_escalate else {}
        with self._write() as scope:
            rows = {i.id: i for chunk in chunks([d[0] for d in due]) for i in _incidents(scope.session, chunk)}
            notices = []
            for incident_id, kind, state, due_at, levels in due:
                for level in levels:
                    scope.session.add(
                        SlaAlert(
                            incident_id=incident_id,
                            clock=kind.value,
                            level=level,
                            alerted_at=now,
                            escalated=incident_id in escalated,
                        )
                    )
                incident = rows[incident_id]
                notices.append(
                    SlaAlertNotice(
                        incident_id, incident.number, incident.title, kind, state, due_at, escalated.get(incident_id)
                    )
                )
        return sorted(notices, key=lambda n: (n.state != ClockState.BREACHED, n.due_at or now))

    def _escalate(self, due: dict[uuid.UUID, ClockStatus], config: SlaConfig) -> dict[uuid.UUID, str]:
        """A functional escalation to the configured group, with the clock as its reason (it syncs)."""
        group_id = config.escalation_group_id
        with self._read() as session:
            group_name = session.scalar(select(Group.name).where(Group.id == group_id)) if group_id else None
            targets = [
                row.id for chunk in chunks(list(due)) for row in _incidents(session, chunk) if row.group_id != group_id
            ]
        if group_name is None:
            return {}
        escalations = EscalationService(self._env, self._incidents)
        done: dict[uuid.UUID, str] = {}
        for incident_id in targets:
            clock = due[incident_id]
            reason = (
                f"Automatic SLA escalation: the {clock.kind.value} clock has used {clock.share:.0%} "
                f"of the {clock.priority.value} target of {format_duration(clock.target)}."
            )
            try:
                escalations.escalate(
                    incident_id, EscalationKind.FUNCTIONAL, reason, group_id=group_id, assignee_id=None
                )
            except HelpdeskError:
                continue  # closed, moved or not allowed meanwhile: the next check sees it as it is now
            done[incident_id] = group_name
        return done


def _warned_candidates(session: Session, now: datetime, *conditions: Any) -> list[uuid.UUID]:
    """Open incidents with a running clock past its warning moment, by the stored deadlines: all of
    them, so an old incident that starts warning is told too (not only the newest open work)."""
    return list(
        session.scalars(
            select(SlaDeadlineRow.incident_id).where(
                SlaDeadlineRow.warn_at <= now, SlaDeadlineRow.paused.is_(False), *conditions
            )
        )
    )


def _levels(state: ClockState) -> list[str]:
    if state == ClockState.BREACHED:
        return ["warning", "breach"]
    if state == ClockState.WARNING:
        return ["warning"]
    return []


def _incidents(session: Session, ids: list[uuid.UUID]) -> list[Incident]:
    return list(session.scalars(select(Incident).where(Incident.id.in_(ids))))
