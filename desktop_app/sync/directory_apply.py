"""Server directory entities (users, groups, categories, reporters) and conflicts → local rows.

Matching is by id first, then by the natural key the local tables keep unique (username, group
name, category path) or the server deduplicates on (reporter e-mail): a local row with the same key
takes the server's id (sync.remap). References to rows this user cannot see get placeholders.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from desktop_app.models import Agent, Category, Group, Incident, Reporter, group_members
from desktop_app.services.reporter_service import digits_of
from desktop_app.sync.category_apply import upsert_category
from desktop_app.sync.conflict_store import upsert_conflict_record
from desktop_app.sync.remap import remap_id
from desktop_app.sync.wire import require_uuid
from sync_protocol.schemas import ConflictRecord

_PLACEHOLDER_KINDS = ("agent", "group", "category", "reporter")


class DirectoryApplier:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.warnings: list[str] = []
        self._references: dict[str, set[uuid.UUID]] = {kind: set() for kind in _PLACEHOLDER_KINDS}
        self.parent_links: list[tuple[uuid.UUID, uuid.UUID]] = []

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def note_references(self, **ids_by_kind: Iterable[uuid.UUID | None]) -> None:
        for kind, ids in ids_by_kind.items():
            self._references[kind].update(i for i in ids if i is not None)

    # --- upserts -------------------------------------------------------------------------

    def upsert_user(self, data: dict[str, Any]) -> None:
        user_id = require_uuid(data)
        username = str(data.get("username") or user_id.hex)
        agent = self._match(Agent, user_id, "agent", func.lower(Agent.username) == username.casefold())
        values = {
            "name": str(data.get("name") or username),
            "username": username,
            "email": data.get("email"),
            "is_active": bool(data.get("is_active", True)),
        }
        if agent is None:
            self.session.add(Agent(id=user_id, created_at=self.now, **values))
        else:
            _assign(agent, values)
        if "group_ids" in data:
            group_ids = [uuid.UUID(str(g)) for g in data.get("group_ids") or []]
            self._replace_memberships("agent_id", user_id, "group_id", group_ids)
            self.note_references(group=group_ids)

    def upsert_group(self, data: dict[str, Any]) -> None:
        group_id = require_uuid(data)
        name = str(data.get("name") or f"Group {group_id.hex[:8]}")
        group = self._match(Group, group_id, "group", func.lower(Group.name) == name.casefold())
        values = {"name": name, "description": data.get("description")}
        if group is None:
            self.session.add(Group(id=group_id, created_at=self.now, **values))
        else:
            _assign(group, values)
        if "member_ids" in data:
            member_ids = [uuid.UUID(str(m)) for m in data.get("member_ids") or []]
            self._replace_memberships("group_id", group_id, "agent_id", member_ids)
            self.note_references(agent=member_ids)

    def upsert_category(self, data: dict[str, Any]) -> None:
        upsert_category(self, data)  # renames and moves rewrite the subtree's paths (category_apply)

    def upsert_reporter(self, data: dict[str, Any]) -> None:
        reporter_id = require_uuid(data)
        email = (data.get("email") or None) and str(data["email"]).casefold()
        by_email = Reporter.email == email if email else None
        reporter = self._match(Reporter, reporter_id, "reporter", by_email)
        name = str(data.get("name") or email or "Unknown reporter")
        values = {
            "name": name,
            "name_key": name.casefold(),
            "email": email,
            "phone": data.get("phone"),
            "phone_digits": digits_of(data.get("phone")),
            "department": data.get("department"),
            "location": data.get("location"),
            "is_vip": bool(data.get("is_vip", False)),
            "updated_at": self.now,
        }
        if reporter is None:
            self.session.add(Reporter(id=reporter_id, created_at=self.now, **values))
        else:
            _assign(reporter, values)

    def upsert_conflict(self, data: dict[str, Any]) -> None:
        upsert_conflict_record(self.session, ConflictRecord.model_validate(data))

    def deactivate(self, entity: str, entity_id: uuid.UUID) -> None:
        """Directory rows are referenced by history, so a server-side delete retires them here."""
        if entity == "user":
            self.session.execute(update(Agent).where(Agent.id == entity_id).values(is_active=False))
        elif entity == "category":
            self.session.execute(update(Category).where(Category.id == entity_id).values(is_active=False))

    # --- after a page --------------------------------------------------------------------

    def finish(self) -> None:
        """Placeholders for rows referenced but not (yet) known here; parent links to unseen incidents cut."""
        self.session.flush()
        makers = {
            "agent": lambda i: Agent(
                id=i, name="Unknown user", username=f"unknown-{i.hex}", is_active=False, created_at=self.now
            ),
            "group": lambda i: Group(id=i, name=f"Unknown group {i.hex}", created_at=self.now),
            "category": lambda i: Category(
                id=i, name="Unknown category", path=f"Unknown category {i.hex}", is_active=False
            ),
            "reporter": lambda i: Reporter(
                id=i, name="Unknown reporter", name_key="unknown reporter", created_at=self.now, updated_at=self.now
            ),
        }
        models = {"agent": Agent, "group": Group, "category": Category, "reporter": Reporter}
        for kind, ids in self._references.items():
            missing = set(ids) - _existing(self.session, models[kind], ids)
            for missing_id in missing:
                self.session.add(makers[kind](missing_id))
            ids.clear()
        if self.parent_links:
            parents = {parent for _, parent in self.parent_links}
            unseen = parents - _existing(self.session, Incident, parents)
            for child, parent in self.parent_links:
                if parent in unseen:
                    self.session.execute(update(Incident).where(Incident.id == child).values(parent_id=None))
            self.parent_links.clear()
        self.session.flush()

    # --- helpers -------------------------------------------------------------------------

    def _match(self, model: type, entity_id: uuid.UUID, kind: str, same_key: Any) -> Any:
        row = self.session.get(model, entity_id)
        if row is not None or same_key is None:
            return row
        twin = self.session.scalar(select(model).where(same_key, model.id != entity_id).limit(1))
        if twin is None:
            return None
        remap_id(self.session, kind, twin.id, entity_id, self.now)
        return self.session.get(model, entity_id)

    def _replace_memberships(self, key: str, key_id: uuid.UUID, other: str, other_ids: list[uuid.UUID]) -> None:
        table = group_members
        self.session.flush()
        self.session.execute(delete(table).where(table.c[key] == key_id))
        if other_ids:
            rows = [{key: key_id, other: other_id} for other_id in dict.fromkeys(other_ids)]
            self.session.execute(insert(table).prefix_with("OR IGNORE"), rows)
        self.session.expire_all()


def _existing(session: Session, model: type, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    wanted = list(ids)
    found: set[uuid.UUID] = set()
    for start in range(0, len(wanted), 900):
        found.update(session.scalars(select(model.id).where(model.id.in_(wanted[start : start + 900]))))
    return found


def _assign(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
