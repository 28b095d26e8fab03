"""A server ``category`` change → the local tree: name, parent, path and active flag, the subtree's paths too.

The server sends every node of a renamed or moved subtree, but in counter order one at a time, so a
node may take a path or a name another local row still holds until its own change arrives (two
siblings swapping names; a node moved where another was). That row is parked under a marked name
(path unique, name unique per parent here) until its change lands. Descendants only this client
knows (a category created offline under the renamed one) follow their parent's new path.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.models import Category
from desktop_app.sync.wire import require_uuid

SEPARATOR = " > "


def upsert_category(applier: Any, data: dict[str, Any]) -> None:
    """``applier``: the DirectoryApplier (matching by path, placeholders for unknown parents)."""
    session: Session = applier.session
    category_id = require_uuid(data)
    path = str(data.get("path") or data.get("name") or category_id.hex)
    category = applier._match(Category, category_id, "category", func.lower(Category.path) == path.casefold())
    parent_id = uuid.UUID(str(data["parent_id"])) if data.get("parent_id") else None
    name = str(data.get("name") or path.split(SEPARATOR)[-1])
    active = bool(data.get("is_active", True))
    if category is None:
        _park_holders(session, {category_id}, [(path, parent_id, name)])
        session.add(
            Category(id=category_id, name=name, path=path, parent_id=parent_id, depth=_depth(path), is_active=active)
        )
    else:
        if (category.path, category.parent_id, category.name) != (path, parent_id, name):
            place_subtree(session, category, path, parent_id, name)
        if category.is_active != active:
            category.is_active = active
    applier.note_references(category=(parent_id,))


def place_subtree(session: Session, category: Category, path: str, parent_id: uuid.UUID | None, name: str) -> None:
    """Give ``category`` its new name, parent and path, and its descendants the paths under it."""
    old = category.path
    with session.no_autoflush:
        descendants = list(session.scalars(select(Category).where(Category.path.startswith(old + SEPARATOR))))
    moved = {category.id} | {d.id for d in descendants}
    targets = [(path, parent_id, name)] + [(path + d.path[len(old) :], None, None) for d in descendants]
    _park_holders(session, moved, targets)
    category.name, category.parent_id, category.path, category.depth = name, parent_id, path, _depth(path)
    for descendant in descendants:
        descendant.path = path + descendant.path[len(old) :]
        descendant.depth = _depth(descendant.path)
    session.flush()


def _park_holders(
    session: Session, moving: set[uuid.UUID], targets: list[tuple[str, uuid.UUID | None, str | None]]
) -> None:
    """Rows outside ``moving`` that hold one of the target paths (or the name under that parent) step aside."""
    for path, parent_id, name in targets:
        same_place = Category.path == path
        if name is not None:
            parent_match = Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
            same_place = or_(same_place, parent_match & (Category.name == name))
        with session.no_autoflush:
            holders = list(session.scalars(select(Category).where(same_place, Category.id.not_in(moving))))
        for holder in holders:
            marked = f"{holder.name} (moving {holder.id.hex[:8]})"
            prefix = holder.path.rpartition(SEPARATOR)[0]
            parked = f"{prefix}{SEPARATOR}{marked}" if prefix else marked
            place_subtree(session, holder, parked, holder.parent_id, marked)


def _depth(path: str) -> int:
    return path.count(SEPARATOR)
