"""The category-tree rules both sides apply to an admin's rename, move or (de)activation (pure; no ORM).

The client refuses an edit with these before saving it; the server applies the very same checks to the
synced ``update_category`` against its current tree, so an edit that no longer fits (a sibling took the
name meanwhile) is refused there too, with the same message, and lands in the client's Errors view.
Nodes are any objects with ``id``, ``parent_id``, ``name``, ``path`` and ``is_active`` (ORM rows on both
sides). A node's path is its ancestors' names and its own joined by " > "; deactivation covers a subtree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

SEPARATOR = " > "
PATH_MAX = 500
NAME_MAX = 120
FORBIDDEN_IN_NAMES = (">", "/")


class TreeNode(Protocol):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    path: str
    is_active: bool


class CategoryRuleError(ValueError):
    """An edit the rules refuse: ``field`` (name or parent) and a message a person can act on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Edit:
    """What an edit leads to: the node's new name, parent (None: top level), path and active flag."""

    name: str
    parent: TreeNode | None
    path: str
    is_active: bool


class Tree:
    """Every node at once (a tree is hundreds of rows), with the children of each."""

    def __init__(self, nodes: Iterable[TreeNode]) -> None:
        self.by_id: dict[uuid.UUID, TreeNode] = {}
        self.children: dict[uuid.UUID | None, list[TreeNode]] = {}
        for node in nodes:
            self.by_id[node.id] = node
            self.children.setdefault(node.parent_id, []).append(node)

    def subtree(self, root: TreeNode) -> list[TreeNode]:
        """The node first, then every descendant."""
        out, stack = [], [root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children.get(node.id, []))
        return out

    def parent_of(self, node: TreeNode) -> TreeNode | None:
        return self.by_id.get(node.parent_id) if node.parent_id is not None else None


def clean_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise CategoryRuleError("name", "A category needs a name.")
    if any(mark in name for mark in FORBIDDEN_IN_NAMES):
        raise CategoryRuleError("name", "A category name cannot contain “>” or “/” (they separate the levels).")
    if len(name) > NAME_MAX:
        raise CategoryRuleError("name", f"A category name is limited to {NAME_MAX} characters.")
    return name


def joined(parent: TreeNode | None, name: str) -> str:
    return f"{parent.path}{SEPARATOR}{name}" if parent is not None else name


def check_edit(
    tree: Tree,
    node: TreeNode,
    *,
    name: str | None = None,
    parent: TreeNode | None = None,
    moving: bool = False,
    active: bool | None = None,
) -> Edit:
    """The edit's outcome if the rules allow it (``moving``: ``parent`` is the new place, None the top
    level); raises CategoryRuleError otherwise."""
    subtree_ids = {each.id for each in tree.subtree(node)}
    if moving and parent is not None and parent.id in subtree_ids:
        raise CategoryRuleError("parent", f"“{node.path}” cannot move under itself or a category inside it.")
    new_parent = parent if moving else tree.parent_of(node)
    new_name = clean_name(name) if name is not None else node.name
    new_path = joined(new_parent, new_name)
    folded = new_path.casefold()
    clash = next((c for c in tree.by_id.values() if c.path.casefold() == folded and c.id != node.id), None)
    if clash is not None:
        retired = " (deactivated: reactivate it instead)" if not clash.is_active else ""
        raise CategoryRuleError("name", f"There is already a category “{clash.path}”{retired}.")
    new_active = node.is_active if active is None else active
    if new_active and new_parent is not None and not new_parent.is_active:
        raise CategoryRuleError(
            "parent", f"“{new_parent.path}” is deactivated: reactivate it first, or pick an active place."
        )
    longest = max(len(new_path) + len(each.path) - len(node.path) for each in tree.subtree(node))
    if longest > PATH_MAX:
        raise CategoryRuleError("name", f"That would make a path {longest} characters long; the limit is {PATH_MAX}.")
    return Edit(new_name, new_parent, new_path, new_active)


def moved_path(path: str, old_prefix: str, new_prefix: str) -> str:
    """A subtree node's path once its subtree root moved from ``old_prefix`` to ``new_prefix``."""
    return new_prefix + path[len(old_prefix) :]
