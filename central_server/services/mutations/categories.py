"""Category administration: rename, move (re-parent) and deactivate/reactivate a node, by admins only.

The rules are the client's too (sync_protocol/category_rules.py), checked here against the server's
current tree. A rename or a move rewrites ``path`` and ``path_key`` of the node and its whole subtree;
every rewritten row is a change that pull sends. Conflict policy (PROTOCOL.md): the payload names only
the fields the admin changed and each is applied as it arrives (last writer to reach the server wins
per field); an edit that no longer fits the current tree is rejected, and the client puts its copy
back from the mutation's base.
"""

from __future__ import annotations

from sqlalchemy import select

from central_server.domain.errors import InvalidValueError, NotFoundError
from central_server.domain.incident_fields import flag, optional_uuid, parse_fields, text
from central_server.domain.permissions import check_admin
from central_server.models import Category
from central_server.services.mutations.directory import PATH_MAX, path_key
from central_server.services.mutations.scope import Applied, MutationScope, resolve_alias
from sync_protocol.category_rules import CategoryRuleError, Tree, check_edit, clean_name, moved_path

UPDATE_PAYLOAD = {"name": text(PATH_MAX), "parent_id": optional_uuid, "is_active": flag}


def update_category(scope: MutationScope) -> Applied:
    check_admin(scope.actor, "rename, move, deactivate or reactivate categories")
    session, payload = scope.session, scope.mutation.payload
    if not payload:
        raise InvalidValueError("update_category names no field to change (name, parent_id, is_active).")
    values = parse_fields(payload, UPDATE_PAYLOAD, what="update_category")
    category = session.get(Category, resolve_alias(session, "category", scope.mutation.entity_id))
    if category is None:
        raise NotFoundError("That category is not on the server.")
    tree = Tree(session.scalars(select(Category)).all())
    parent = None
    if values.get("parent_id") is not None:
        parent = tree.by_id.get(resolve_alias(session, "category", values["parent_id"]))
        if parent is None:
            raise NotFoundError("The new parent category is not on the server.")
    try:
        name = clean_name(values["name"]) if "name" in values else None
        edit = check_edit(
            tree, category, name=name, parent=parent, moving="parent_id" in values, active=values.get("is_active")
        )
    except CategoryRuleError as exc:
        raise InvalidValueError(exc.message) from exc
    old_prefix, changed = category.path, False
    for node in tree.subtree(category):
        path = moved_path(node.path, old_prefix, edit.path)
        wanted: dict[str, object] = {"path": path, "path_key": path_key(path)}
        if "is_active" in values:  # deactivating or reactivating covers the subtree
            wanted["is_active"] = edit.is_active
        if node is category:
            wanted |= {"name": edit.name, "parent_id": edit.parent.id if edit.parent is not None else None}
        if _assign(node, wanted):
            scope.unit.changed("category", node.id)
            changed = True
    return Applied() if changed else Applied(note="The category was already like this.")


def _assign(row: object, wanted: dict[str, object]) -> bool:
    changed = False
    for name, value in wanted.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
