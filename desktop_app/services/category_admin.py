"""Editing the category tree (admins): rename, move under another parent, deactivate and reactivate.

One write transaction per edit, with one ``update_category`` outbox entry naming only the fields that
changed (``base``: their old values, which also undo the edit if the server refuses it). A node's path
is its ancestors' names and its own, so a rename or a move rewrites the whole subtree's paths here, as
the server does. Deactivating a node deactivates everything under it: a help-desk admin retiring
"Hardware" means the whole branch, and refusing until each leaf is retired by hand is busywork.
Reactivating brings the branch back, and only under an active parent. Incidents keep their category
either way (the queue still shows and filters them); a deactivated one is just not offered for new work.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.errors import PermissionDeniedError, UnknownCategoryError, ValidationError
from desktop_app.domain.limits import SHORT_TEXT_MAX
from desktop_app.models import Category, SyncState
from desktop_app.services.transaction import WriteScope

log = logging.getLogger(__name__)

SEPARATOR = " > "
PATH_MAX = 500
FORBIDDEN_IN_NAMES = (">", "/")
KEEP: Any = object()  # "this field is not being changed"


def admin_refusal(session: Session) -> str | None:
    """Why the signed-in user may not edit the tree, or None. The role is the one the server gave at
    sign-in; a standalone client has no roles (its user runs everything), like escalation's rules."""
    row = session.execute(select(SyncState.server_url, SyncState.role).where(SyncState.id == 1)).first()
    if row is None or not row.server_url or row.role == "admin":
        return None
    role = f"the {row.role} role" if row.role else "no role yet (sync once)"
    return f"Only an admin may rename, move, deactivate or reactivate categories; you are signed in with {role}."


def clean_category_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError("A category needs a name.", field="name")
    if any(mark in name for mark in FORBIDDEN_IN_NAMES):
        raise ValidationError("A category name cannot contain “>” or “/” (they separate the levels).", field="name")
    if len(name) > SHORT_TEXT_MAX:
        raise ValidationError(f"A category name is limited to {SHORT_TEXT_MAX} characters.", field="name")
    return name


@dataclass
class LocalTree:
    """Every local category (hundreds at most) with the children of each."""

    by_id: dict[uuid.UUID, Category]
    children: dict[uuid.UUID | None, list[Category]]

    @classmethod
    def load(cls, session: Session) -> LocalTree:
        rows = session.scalars(select(Category)).all()
        children: dict[uuid.UUID | None, list[Category]] = {}
        for row in rows:
            children.setdefault(row.parent_id, []).append(row)
        return cls({row.id: row for row in rows}, children)

    def subtree(self, root: Category) -> list[Category]:
        """The node first, then every descendant."""
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children.get(node.id, []))
        return out

    def get(self, category_id: uuid.UUID, what: str = "That category") -> Category:
        category = self.by_id.get(category_id)
        if category is None:
            raise UnknownCategoryError(f"{what} no longer exists (synced away?). Refresh the tree.", field="category")
        return category


def update_category(
    scope: WriteScope, category_id: uuid.UUID, *, name: Any = KEEP, parent_id: Any = KEEP, is_active: Any = KEEP
) -> Category:
    """Apply one admin edit locally and queue it for the server; a no-op edit queues nothing."""
    refusal = admin_refusal(scope.session)
    if refusal:
        raise PermissionDeniedError(refusal)
    tree = LocalTree.load(scope.session)
    category = tree.get(category_id)
    subtree = tree.subtree(category)
    payload: dict[str, Any] = {}
    base: dict[str, Any] = {}
    parent = tree.by_id.get(category.parent_id) if category.parent_id else None
    if parent_id is not KEEP:
        parent = tree.get(parent_id, "The new parent category") if parent_id is not None else None
        if parent is not None and any(node.id == parent.id for node in subtree):
            raise ValidationError(
                f"“{category.path}” cannot move under itself or a category inside it.", field="parent"
            )
        if parent_id != category.parent_id:
            payload["parent_id"], base["parent_id"] = parent_id, category.parent_id
    new_name = category.name
    if name is not KEEP:
        new_name = clean_category_name(name)
        if new_name != category.name:
            payload["name"], base["name"] = new_name, category.name
    new_path = f"{parent.path}{SEPARATOR}{new_name}" if parent is not None else new_name
    _check_free(tree, category, new_path)
    active = category.is_active
    if is_active is not KEEP:
        active = bool(is_active)
        if any(node.is_active != active for node in subtree):
            payload["is_active"], base["is_active"] = active, category.is_active
    if active and parent is not None and not parent.is_active:
        raise ValidationError(
            f"“{parent.path}” is deactivated: reactivate it first, or pick an active place.", field="parent"
        )
    if not payload:
        return category
    for node in rewrite_subtree(
        scope.session, tree, category, new_path, new_name, parent, active if "is_active" in payload else None
    ):
        scope.changed("category", node.id)
    scope.enqueue("update_category", category.id, payload, base)
    log.info("Category %s: %s (was %s)", category.id, payload, base)
    return category


def rewrite_subtree(
    session: Session,
    tree: LocalTree,
    category: Category,
    new_path: str,
    new_name: str,
    parent: Category | None,
    active: bool | None,
) -> list[Category]:
    """Name and parent of the node; path, depth (and the active flag, if given) of its whole subtree."""
    old_prefix = category.path
    depth = parent.depth + 1 if parent is not None else 0
    nodes = tree.subtree(category)
    for node in nodes:
        path = new_path + node.path[len(old_prefix) :]
        if len(path) > PATH_MAX:
            raise ValidationError(f"“{path[:60]}…” would be longer than {PATH_MAX} characters.", field="name")
        node.path = path
        node.depth = depth + path.count(SEPARATOR) - new_path.count(SEPARATOR)
        if active is not None:
            node.is_active = active
    category.name = new_name
    category.parent_id = parent.id if parent is not None else None
    session.flush()
    return nodes


def restore_refused_update(session: Session, category_id: uuid.UUID, base: dict[str, Any]) -> None:
    """The server refused an update_category: put the fields it changed back as they were (the base),
    with the subtree's paths. Used by the push's result handling; no outbox entry."""
    tree = LocalTree.load(session)
    category = tree.by_id.get(category_id)
    if category is None:
        return
    name = str(base.get("name", category.name))
    parent_id = category.parent_id
    if "parent_id" in base:
        parent_id = uuid.UUID(str(base["parent_id"])) if base["parent_id"] else None
    parent = tree.by_id.get(parent_id) if parent_id is not None else None
    new_path = f"{parent.path}{SEPARATOR}{name}" if parent is not None else name
    clash = next((c for c in tree.by_id.values() if c.path == new_path and c.id != category.id), None)
    if clash is not None:
        return  # the old place is taken by now: keep the edit; the refusal stays in Errors
    active = bool(base["is_active"]) if "is_active" in base else None
    rewrite_subtree(session, tree, category, new_path, name, parent, active)


def _check_free(tree: LocalTree, category: Category, new_path: str) -> None:
    folded = new_path.casefold()
    clash = next((c for c in tree.by_id.values() if c.path.casefold() == folded and c.id != category.id), None)
    if clash is not None:
        note = " (deactivated: reactivate it instead)" if not clash.is_active else ""
        raise ValidationError(f"There is already a category “{clash.path}”{note}.", field="name")

