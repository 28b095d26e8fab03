"""Editing the category tree (admins): rename, move under another parent, deactivate and reactivate.

One write transaction per edit, with one ``update_category`` outbox entry naming only the fields that
changed (``base``: their old values, which also undo the edit if the server refuses it). A node's path
is its ancestors' names and its own, so a rename or a move rewrites the whole subtree's paths here, as
the server does. Deactivating a node deactivates everything under it: a help-desk admin retiring
"Hardware" means the whole branch, and refusing until each leaf is retired by hand is busywork.
Reactivating brings the branch back, and only under an active parent. Incidents keep their category
either way (the queue still shows and filters them); a deactivated one is just not offered for new work.
The rules are the server's too (sync_protocol/category_rules.py).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.errors import PermissionDeniedError, UnknownCategoryError, ValidationError
from desktop_app.models import Category, SyncState
from desktop_app.services.transaction import WriteScope
from sync_protocol.category_rules import CategoryRuleError, Tree, check_edit, joined, moved_path

log = logging.getLogger(__name__)

SEPARATOR = " > "
KEEP: Any = object()  # "this field is not being changed"


def admin_refusal(session: Session) -> str | None:
    """Why the signed-in user may not edit the tree, or None. The role is the one the server gave at
    sign-in; a standalone client has no roles (its user runs everything), like escalation's rules."""
    row = session.execute(select(SyncState.server_url, SyncState.role).where(SyncState.id == 1)).first()
    if row is None or not row.server_url or row.role == "admin":
        return None
    role = f"the {row.role} role" if row.role else "no role yet (sync once)"
    return f"Only an admin may rename, move, deactivate or reactivate categories; you are signed in with {role}."


def load_tree(session: Session) -> Tree:
    return Tree(session.scalars(select(Category)).all())


def _get(tree: Tree, category_id: uuid.UUID, what: str = "That category") -> Category:
    category = tree.by_id.get(category_id)
    if category is None:
        raise UnknownCategoryError(f"{what} no longer exists (synced away?). Refresh the tree.", field="category")
    return category  # type: ignore[return-value]


def update_category(
    scope: WriteScope, category_id: uuid.UUID, *, name: Any = KEEP, parent_id: Any = KEEP, is_active: Any = KEEP
) -> Category:
    """Apply one admin edit locally and queue it for the server; a no-op edit queues nothing."""
    refusal = admin_refusal(scope.session)
    if refusal:
        raise PermissionDeniedError(refusal)
    tree = load_tree(scope.session)
    category = _get(tree, category_id)
    moving = parent_id is not KEEP
    parent = _get(tree, parent_id, "The new parent category") if moving and parent_id is not None else None
    try:
        edit = check_edit(
            tree,
            category,
            name=None if name is KEEP else (name or ""),
            parent=parent,
            moving=moving,
            active=None if is_active is KEEP else bool(is_active),
        )
    except CategoryRuleError as exc:
        raise ValidationError(exc.message, field=exc.field) from exc
    payload: dict[str, Any] = {}
    base: dict[str, Any] = {}
    if moving and parent_id != category.parent_id:
        payload["parent_id"], base["parent_id"] = parent_id, category.parent_id
    if edit.name != category.name:
        payload["name"], base["name"] = edit.name, category.name
    if is_active is not KEEP and any(node.is_active != edit.is_active for node in tree.subtree(category)):
        payload["is_active"], base["is_active"] = edit.is_active, category.is_active
    if not payload:
        return category
    active = edit.is_active if "is_active" in payload else None
    for node in rewrite_subtree(scope.session, tree, category, edit.path, edit.name, edit.parent, active):
        scope.changed("category", node.id)
    scope.enqueue("update_category", category.id, payload, base)
    log.info("Category %s: %s (was %s)", category.id, payload, base)
    return category


def rewrite_subtree(
    session: Session,
    tree: Tree,
    category: Category,
    new_path: str,
    new_name: str,
    parent: Any,
    active: bool | None,
) -> list[Category]:
    """Name and parent of the node; path, depth (and the active flag, if given) of its whole subtree."""
    old_prefix = category.path
    nodes: list[Category] = tree.subtree(category)  # type: ignore[assignment]
    for node in nodes:
        node.path = moved_path(node.path, old_prefix, new_path)
        node.depth = node.path.count(SEPARATOR)
        if active is not None:
            node.is_active = active
    category.name = new_name
    category.parent_id = parent.id if parent is not None else None
    session.flush()
    return nodes


def restore_refused_update(session: Session, category_id: uuid.UUID, base: dict[str, Any]) -> None:
    """The server refused an update_category: put the fields it changed back as they were (the base),
    with the subtree's paths. Used by the push's result handling; no outbox entry."""
    tree = load_tree(session)
    category = tree.by_id.get(category_id)
    if category is None:
        return
    name = str(base.get("name", category.name))
    parent_id = category.parent_id
    if "parent_id" in base:
        parent_id = uuid.UUID(str(base["parent_id"])) if base["parent_id"] else None
    parent = tree.by_id.get(parent_id) if parent_id is not None else None
    new_path = joined(parent, name)
    clash = next((c for c in tree.by_id.values() if c.path == new_path and c.id != category.id), None)
    if clash is not None:
        return  # the old place is taken by now: keep the edit; the refusal stays in Errors
    active = bool(base["is_active"]) if "is_active" in base else None
    rewrite_subtree(session, tree, category, new_path, name, parent, active)
