"""Category administration: rename, move (re-parent) and deactivate/reactivate a node, by admins only.

A node's ``path`` is its ancestors' names and its own, so a rename or a move rewrites the path (and
``path_key``) of the node and its whole subtree; every rewritten row is a change that pull sends.
Conflict policy (PROTOCOL.md): the payload names only the fields the admin changed and each is applied
as it arrives (last writer to reach the server wins per field); a change that no longer fits the
server's current tree (a sibling with that name, a move under its own subtree, under an inactive
parent) is rejected, and the client puts its copy back from the mutation's base.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from central_server.domain.errors import InvalidValueError, NotFoundError
from central_server.domain.incident_fields import NAME_MAX, flag, optional_uuid, parse_fields, text
from central_server.domain.permissions import check_admin
from central_server.models import Category
from central_server.services.mutations.directory import CATEGORY_SEPARATOR, PATH_MAX, path_key
from central_server.services.mutations.scope import Applied, MutationScope, resolve_alias

UPDATE_PAYLOAD = {"name": text(NAME_MAX, required=True), "parent_id": optional_uuid, "is_active": flag}
FORBIDDEN_IN_NAMES = (">", "/")


def update_category(scope: MutationScope) -> Applied:
    check_admin(scope.actor, "rename, move, deactivate or reactivate categories")
    session, payload = scope.session, scope.mutation.payload
    if not payload:
        raise InvalidValueError("update_category names no field to change (name, parent_id, is_active).")
    values = parse_fields(payload, UPDATE_PAYLOAD, what="update_category")
    category = session.get(Category, resolve_alias(session, "category", scope.mutation.entity_id))
    if category is None:
        raise NotFoundError("That category is not on the server.")
    tree = CategoryTree(session)
    subtree = tree.subtree(category)
    parent = tree.by_id.get(category.parent_id) if category.parent_id else None
    if "parent_id" in values:
        parent = _new_parent(session, tree, category, subtree, values["parent_id"])
    name = clean_name(values["name"]) if "name" in values else category.name
    new_path = f"{parent.path}{CATEGORY_SEPARATOR}{name}" if parent is not None else name
    _check_free(tree, category, new_path)
    active = values.get("is_active", category.is_active)
    if active and parent is not None and not parent.is_active:
        raise InvalidValueError(
            f"{parent.path!r} is deactivated: reactivate it first, or move {category.name!r} somewhere active."
        )
    old_prefix = category.path
    changed = False
    for node in subtree:
        path = new_path + node.path[len(old_prefix) :]
        if len(path) > PATH_MAX:
            raise InvalidValueError(f"The path {path[:80]!r}… would be {len(path)} characters (limit {PATH_MAX}).")
        # Deactivating or reactivating a node does the same to everything under it (PROTOCOL.md).
        wanted = {"path": path, "path_key": path_key(path), "is_active": active if "is_active" in values else None}
        if node is category:
            wanted |= {"name": name, "parent_id": parent.id if parent is not None else None}
        if _assign(node, wanted):
            scope.unit.changed("category", node.id)
            changed = True
    return Applied() if changed else Applied(note="The category was already like this.")


class CategoryTree:
    """Every category at once (a tree is hundreds of rows), with the children of each."""

    def __init__(self, session: Session) -> None:
        rows = session.scalars(select(Category)).all()
        self.by_id: dict[uuid.UUID, Category] = {row.id: row for row in rows}
        self.children: dict[uuid.UUID | None, list[Category]] = {}
        for row in rows:
            self.children.setdefault(row.parent_id, []).append(row)

    def subtree(self, root: Category) -> list[Category]:
        """The node first, then every descendant (parents before their children)."""
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children.get(node.id, []))
        return out


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidValueError("A category name cannot be empty.")
    if any(mark in name for mark in FORBIDDEN_IN_NAMES):
        raise InvalidValueError(f"A category name cannot contain {' or '.join(FORBIDDEN_IN_NAMES)} (path separators).")
    return name


def _new_parent(
    session: Session, tree: CategoryTree, category: Category, subtree: list[Category], raw_id: uuid.UUID | None
) -> Category | None:
    if raw_id is None:
        return None
    parent = tree.by_id.get(resolve_alias(session, "category", raw_id))
    if parent is None:
        raise NotFoundError("The new parent category is not on the server.")
    if any(node.id == parent.id for node in subtree):
        raise InvalidValueError(f"{category.path!r} cannot move under itself or a category inside it.")
    return parent


def _check_free(tree: CategoryTree, category: Category, new_path: str) -> None:
    key = path_key(new_path)
    clash = next((c for c in tree.by_id.values() if c.path_key == key and c.id != category.id), None)
    if clash is not None:
        raise InvalidValueError(f"There is already a category {clash.path!r}; pick another name or place.")


def _assign(row: Category, wanted: dict[str, object]) -> bool:
    changed = False
    for name, value in wanted.items():
        if name == "is_active" and value is None:
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
