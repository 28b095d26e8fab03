"""Type-ahead ranking over the category tree, shared by the service and the form's local cache."""

from __future__ import annotations

from desktop_app.domain.dtos import CategoryNode


def search_categories(nodes: list[CategoryNode], query: str, limit: int = 12) -> list[CategoryNode]:
    """Nodes whose path holds every typed word; a leaf whose name starts with the last word first."""
    words = query.casefold().replace(">", " ").split()
    if not words:
        return nodes[:limit]
    matches = [n for n in nodes if all(w in n.path.casefold() for w in words)]

    def rank(node: CategoryNode) -> tuple[int, int, str]:
        name = node.name.casefold()
        starts = 0 if name.startswith(words[-1]) else 1 if words[-1] in name else 2
        return (starts, -node.depth, node.path)

    return sorted(matches, key=rank)[:limit]
