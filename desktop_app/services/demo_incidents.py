"""Demo incident rows, built fast: choices drawn in bulk per chunk, lifecycles that fit each incident's age.

Old incidents are mostly closed with their closure documentation filled in; recent ones are still
being worked. Everything comes from one seeded ``random.Random``, so a seed reproduces a data set.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

from sqlalchemy import Connection

from desktop_app.domain.enums import Channel, HoldReason, Status
from desktop_app.domain.priority import LEVELS, PriorityMatrix
from desktop_app.services.demo_encoding import MICROS_PER_DAY, MICROS_PER_HOUR, db_time, uuid7_hex
from desktop_app.services.demo_issues import (
    DEFAULT_FREQUENCY,
    FILLERS,
    FREQUENCY,
    GENERIC_ISSUES,
    ISSUES,
    RESOLUTION_CODES,
    WORKAROUNDS,
    Issue,
)
from desktop_app.services.demo_people import FIRST_LINE_GROUP, GROUP_FOR_AREA

INCIDENT_COLUMNS = (
    "id", "number", "title", "description", "channel", "reporter_id", "reporter_name", "reporter_email",
    "reporter_phone", "occurred_at", "reported_at", "category_id", "impact", "urgency", "priority",
    "priority_override_reason", "status", "hold_reason", "group_id", "assignee_id", "workaround",
    "resolution_code", "root_cause", "resolution_steps", "resolved_at", "closed_at", "is_drill",
    "created_by_id", "created_at", "updated_at", "version", "root_cause_category", "reporter_informed",
)  # fmt: skip
CAUSE_FOR_CODE = {"hardware_replaced": "hardware", "software_change": "software", "user_error": "user"}
INSERT_INCIDENT = (
    f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)}) VALUES ({', '.join('?' * len(INCIDENT_COLUMNS))})"
)

CHANNEL_WEIGHTS = {
    Channel.PHONE: 40,
    Channel.EMAIL: 28,
    Channel.PORTAL: 17,
    Channel.WALK_IN: 5,
    Channel.MONITORING: 7,
    Channel.OTHER: 3,
}
# ITIL levels, 1 most severe: most incidents touch one user and can wait a little.
IMPACT_WEIGHTS = {1: 6, 2: 22, 3: 72}
URGENCY_WEIGHTS = {1: 14, 2: 36, 3: 50}

# Status mix by age: (younger than this many days, {status: weight}); the last row is everything older.
STATUS_BY_AGE: tuple[tuple[float, dict[Status, float]], ...] = (
    (1, {Status.NEW: 30, Status.ASSIGNED: 25, Status.IN_PROGRESS: 25, Status.ON_HOLD: 5, Status.RESOLVED: 12,
         Status.CANCELED: 3}),
    (7, {Status.NEW: 5, Status.ASSIGNED: 12, Status.IN_PROGRESS: 22, Status.ON_HOLD: 11, Status.RESOLVED: 35,
         Status.CLOSED: 12, Status.CANCELED: 3}),
    (30, {Status.ASSIGNED: 2, Status.IN_PROGRESS: 5, Status.ON_HOLD: 5, Status.RESOLVED: 20, Status.CLOSED: 63,
          Status.CANCELED: 5}),
    (float("inf"), {Status.IN_PROGRESS: 0.3, Status.ON_HOLD: 0.2, Status.RESOLVED: 1.5, Status.CLOSED: 92,
                    Status.CANCELED: 6}),
)  # fmt: skip
# Roughly how many changes each state took to reach: the row's version.
VERSION_BY_STATUS = {
    Status.NEW: 1,
    Status.ASSIGNED: 2,
    Status.IN_PROGRESS: 3,
    Status.ON_HOLD: 4,
    Status.RESOLVED: 4,
    Status.CLOSED: 5,
    Status.CANCELED: 2,
}
# Time to resolve by priority rank, in hours (low, high).
RESOLUTION_HOURS = {1: (1, 8), 2: (2, 24), 3: (4, 72), 4: (8, 168), 5: (24, 336)}
VARIANTS_PER_ISSUE = 6
VIP_REASON = "VIP caller: raised one level"
NO_REPORTER = (None, None, None, None, 0)
HOLD_REASONS = tuple(reason.value for reason in HoldReason)


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    return list(weights), list(itertools.accumulate(weights.values()))


@dataclass(frozen=True)
class StaffDirectory:
    """Who can own demo work: groups by name, members by group id, and the local agent."""

    group_ids: dict[str, str]
    members: dict[str, list[str]]
    agents: list[str]
    local_agent: str | None

    @classmethod
    def load(cls, conn: Connection) -> StaffDirectory:
        members: dict[str, list[str]] = {}
        for group_id, agent_id in conn.exec_driver_sql(
            "SELECT m.group_id, m.agent_id FROM group_members m JOIN agents a ON a.id = m.agent_id "
            "WHERE a.is_active ORDER BY a.username"
        ):
            members.setdefault(group_id, []).append(agent_id)
        return cls(
            group_ids=dict(conn.exec_driver_sql("SELECT name, id FROM groups").all()),
            members=members,
            agents=[row[0] for row in conn.exec_driver_sql("SELECT id FROM agents WHERE is_active ORDER BY username")],
            local_agent=conn.exec_driver_sql("SELECT local_agent_id FROM device_state WHERE id = 1").scalar(),
        )

    def pool(self, group_id: str | None) -> list[str]:
        """Agents who can take work for a group: its members, else anyone."""
        return self.members.get(group_id or "", []) or self.agents


@dataclass(frozen=True)
class LeafCategory:
    id: str | None
    group_id: str | None
    variants: tuple[Issue, ...]


def _expand(issue: Issue, rng: random.Random) -> Issue:
    fill = {key: rng.choice(values) for key, values in FILLERS.items()}
    title, description, root_cause, steps = (part.format_map(fill) for part in issue)
    return (title[0].upper() + title[1:], description, root_cause, steps)


class IncidentRowBuilder:
    insert_sql = INSERT_INCIDENT

    def __init__(
        self,
        rng: random.Random,
        key_rng: random.Random,
        matrix: PriorityMatrix,
        staff: StaffDirectory,
        leaves: list[LeafCategory],
        leaf_weights: list[int],
        reporters: list[tuple],
        now_us: int,
    ) -> None:
        self._rng = rng
        self._key_rng = key_rng  # random bits of the primary keys only
        self._staff = staff
        self._leaves = leaves
        self._leaf_cumulative = list(itertools.accumulate(leaf_weights))
        self._reporters = reporters
        self._now_us = now_us
        self._rank = {(i, u): matrix.priority(i, u).rank for i in LEVELS for u in LEVELS}
        self._channels = _cumulative({c.value: w for c, w in CHANNEL_WEIGHTS.items()})
        self._impacts = _cumulative(IMPACT_WEIGHTS)
        self._urgencies = _cumulative(URGENCY_WEIGHTS)
        self._ages = [days * MICROS_PER_DAY for days, _ in STATUS_BY_AGE]
        self._statuses = [_cumulative(mix) for _, mix in STATUS_BY_AGE]
        self._first_line = staff.group_ids.get(FIRST_LINE_GROUP)
        desk = staff.pool(self._first_line)
        self._loggers = desk + ([staff.local_agent] if staff.local_agent and staff.local_agent not in desk else [])

    @classmethod
    def load(
        cls,
        conn: Connection,
        rng: random.Random,
        key_rng: random.Random,
        matrix: PriorityMatrix,
        staff: StaffDirectory,
        now_us: int,
    ) -> IncidentRowBuilder:
        categories = conn.exec_driver_sql("SELECT id, path, parent_id FROM categories WHERE is_active ORDER BY path")
        rows = categories.all()
        parents = {parent_id for _, _, parent_id in rows if parent_id}
        leaves, weights = [], []
        for category_id, path, _ in rows:
            if category_id in parents:
                continue
            area = path.split(" > ")[0]
            group_id = staff.group_ids.get(GROUP_FOR_AREA.get(area, FIRST_LINE_GROUP))
            templates = ISSUES.get(path, GENERIC_ISSUES)
            variants = tuple(_expand(t, rng) for t in templates for _ in range(VARIANTS_PER_ISSUE))
            leaves.append(LeafCategory(category_id, group_id, variants))
            weights.append(FREQUENCY.get(path, DEFAULT_FREQUENCY))
        if not leaves:  # an empty tree: uncategorised tickets still make a usable demo
            generic = tuple(_expand(t, rng) for t in GENERIC_ISSUES for _ in range(VARIANTS_PER_ISSUE))
            leaves, weights = [LeafCategory(None, staff.group_ids.get(FIRST_LINE_GROUP), generic)], [1]
        reporters = conn.exec_driver_sql("SELECT id, name, email, phone, is_vip FROM reporters ORDER BY id").all()
        return cls(rng, key_rng, matrix, staff, leaves, weights, [tuple(r) for r in reporters], now_us)

    def working_hours_times(self, start_us: int, end_us: int, count: int) -> list[int]:
        """``count`` sorted instants in [start, end), most on weekdays between 08:00 and 18:00 UTC."""
        rng = self._rng
        times: list[int] = []
        while len(times) < count:
            moment = rng.randrange(start_us, max(end_us, start_us + 1))
            hours = moment // MICROS_PER_HOUR
            weekday = (hours // 24 + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
            busy = weekday < 5 and 8 <= hours % 24 < 18
            if busy or rng.random() < (0.12 if weekday < 5 else 0.1):
                times.append(moment)
        times.sort()
        return times

    def rows(self, times: list[int], first_number: int) -> list[tuple]:
        """One tuple per instant, in ``INCIDENT_COLUMNS`` order, numbered from ``first_number``."""
        rng, key_rng, now_us = self._rng, self._key_rng, self._now_us
        count = len(times)
        leaves = rng.choices(self._leaves, cum_weights=self._leaf_cumulative, k=count)
        channels = rng.choices(self._channels[0], cum_weights=self._channels[1], k=count)
        impacts = rng.choices(self._impacts[0], cum_weights=self._impacts[1], k=count)
        urgencies = rng.choices(self._urgencies[0], cum_weights=self._urgencies[1], k=count)
        reporters, reporter_count = self._reporters, len(self._reporters)
        latest = now_us - 1_000_000
        out: list[tuple] = []
        for index, created in enumerate(times):
            leaf, channel = leaves[index], channels[index]
            title, description, root_cause, steps = rng.choice(leaf.variants)
            if channel == "monitoring" or not reporter_count:
                reporter = NO_REPORTER
            else:  # a few people call far more often than the rest
                reporter = reporters[int(reporter_count * rng.random() ** 1.6)]
            impact, urgency = impacts[index], urgencies[index]
            rank = self._rank[(impact, urgency)]
            override_reason = None
            if reporter[4] and rank > 2:
                rank, override_reason = rank - 1, VIP_REASON
            status = self._status(now_us - created)
            group_id, assignee_id = self._owner(status, leaf)
            resolved_at = closed_at = resolution_code = workaround = None
            done_cause = done_steps = hold_reason = None
            if status in (Status.RESOLVED, Status.CLOSED):
                low, high = RESOLUTION_HOURS[rank]
                resolved = min(created + int(rng.uniform(low, high) * MICROS_PER_HOUR), latest)
                updated = resolved
                resolved_at = db_time(resolved)
                resolution_code, done_cause, done_steps = rng.choice(RESOLUTION_CODES), root_cause, steps
                if status == Status.CLOSED:
                    updated = min(resolved + int(rng.uniform(1, 120) * MICROS_PER_HOUR), latest)
                    closed_at = db_time(updated)
                if resolution_code == "workaround_provided":
                    workaround = rng.choice(WORKAROUNDS)
            else:
                busy_window = 2 if status == Status.CANCELED else 10
                updated = created + int(rng.random() * min(now_us - created, busy_window * MICROS_PER_DAY))
                if status == Status.ON_HOLD:
                    hold_reason = rng.choice(HOLD_REASONS)
                if status in (Status.IN_PROGRESS, Status.ON_HOLD) and rng.random() < 0.25:
                    workaround = rng.choice(WORKAROUNDS)
            lead_time = MICROS_PER_HOUR // 12 if channel == "monitoring" else 4 * MICROS_PER_HOUR
            created_at = db_time(created)
            out.append(
                (
                    uuid7_hex(created, key_rng),
                    first_number + index,
                    title,
                    description,
                    channel,
                    reporter[0],
                    reporter[1],
                    reporter[2],
                    reporter[3],
                    db_time(created - int(rng.random() * lead_time)),
                    created_at,
                    leaf.id,
                    impact,
                    urgency,
                    f"P{rank}",
                    override_reason,
                    status.value,
                    hold_reason,
                    group_id,
                    assignee_id,
                    workaround,
                    resolution_code,
                    done_cause,
                    done_steps,
                    resolved_at,
                    closed_at,
                    0,
                    rng.choice(self._loggers) if self._loggers else None,
                    created_at,
                    db_time(updated),
                    VERSION_BY_STATUS[status],
                    # Closed ones carry the whole closure documentation (sync_protocol/workflow_rules.py).
                    CAUSE_FOR_CODE.get(resolution_code or "", "unknown") if status == Status.CLOSED else None,
                    1 if status == Status.CLOSED else None,
                )
            )
        return out

    def _status(self, age_us: int) -> Status:
        bucket = min(bisect.bisect_right(self._ages, age_us), len(self._statuses) - 1)
        statuses, cumulative = self._statuses[bucket]
        return statuses[bisect.bisect_right(cumulative, self._rng.random() * cumulative[-1])]

    def _owner(self, status: Status, leaf: LeafCategory) -> tuple[str | None, str | None]:
        """(group, assignee): new work waits in the first-line queue; a third is solved at first line."""
        rng = self._rng
        if status == Status.NEW:
            return (self._first_line if rng.random() < 0.5 else None), None
        group_id = self._first_line if rng.random() < 0.35 or leaf.group_id is None else leaf.group_id
        if status == Status.CANCELED and rng.random() < 0.5:
            return group_id, None
        pool = self._staff.pool(group_id)
        return group_id, (rng.choice(pool) if pool else None)
