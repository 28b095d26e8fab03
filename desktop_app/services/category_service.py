"""The category tree: "Network > Connectivity" paths, found by typing any part."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.dtos import CategoryNode, Result
from desktop_app.domain.errors import UnknownCategoryError, ValidationError
from desktop_app.domain.limits import SHORT_TEXT_MAX, clean_text
from desktop_app.models import Category
from desktop_app.services.transaction import ServiceBase, WriteScope

SEPARATOR = " > "

DEFAULT_TREE: dict[str, list[str]] = {
    "Network": ["Connectivity", "Internet access", "Wi-Fi", "VPN", "DNS"],
    "Hardware": ["Laptop", "Desktop", "Printer", "Monitor", "Phone", "Peripherals"],
    "Software": ["Operating system", "Office suite", "Business application", "Installation request"],
    "Access": ["Password reset", "Account locked", "Permissions", "New account"],
    "Email": ["Delivery", "Mailbox", "Calendar", "Spam and phishing"],
    "Security": ["Malware", "Suspicious activity", "Data loss"],
    "Facilities": ["Power", "Meeting rooms"],
}


def normalise_path(path: str) -> str:
    parts = [" ".join(part.split()) for part in path.replace("/", ">").split(">")]
    parts = [part for part in parts if part]
    if not parts:
        raise ValidationError("A category path is empty.", field="category")
    return SEPARATOR.join(parts)


def to_node(category: Category) -> CategoryNode:
    return CategoryNode(
        id=category.id, name=category.name, path=category.path, parent_id=category.parent_id, depth=category.depth
    )


class CategoryService(ServiceBase):
    def tree(self) -> list[CategoryNode]:
        """Every active category, parents before children, alphabetical within a parent."""
        with self._read() as session:
            rows = session.scalars(select(Category).where(Category.is_active).order_by(Category.path)).all()
            return [to_node(c) for c in rows]

    def search(self, query: str, limit: int = 12) -> list[CategoryNode]:
        """Categories whose path holds every typed word; leaf names that start with the query first."""
        words = query.casefold().replace(">", " ").split()
        nodes = self.tree()
        if not words:
            return nodes[:limit]
        matches = [n for n in nodes if all(w in n.path.casefold() for w in words)]

        def rank(node: CategoryNode) -> tuple[int, int, str]:
            name = node.name.casefold()
            starts = 0 if name.startswith(words[-1]) else 1 if words[-1] in name else 2
            return (starts, -node.depth, node.path)

        return sorted(matches, key=rank)[:limit]

    def resolve_path(self, path: str) -> CategoryNode:
        with self._read() as session:
            return to_node(find_category(session, path))

    def get(self, category_id: uuid.UUID) -> CategoryNode:
        with self._read() as session:
            category = session.get(Category, category_id)
            if category is None:
                raise UnknownCategoryError("That category no longer exists.", field="category")
            return to_node(category)

    def create(self, path: str) -> Result[CategoryNode]:
        """Create a category and any missing parents."""
        with self._write() as scope:
            node = ensure_path(scope, path)
            return Result(to_node(node), scope.change_set())


def find_category(session: Session, path: str) -> Category:
    wanted = normalise_path(path)
    category = session.scalar(select(Category).where(Category.path == wanted))
    if category is None:
        # Accept any capitalisation; the tree is small.
        folded = wanted.casefold()
        category = next((c for c in session.scalars(select(Category)) if c.path.casefold() == folded), None)
    if category is None or not category.is_active:
        raise UnknownCategoryError(
            f"There is no category {wanted!r}. Pick one from the tree (for example 'Network > Connectivity').",
            field="category",
        )
    return category


def ensure_path(scope: WriteScope, path: str) -> Category:
    parent: Category | None = None
    walked: list[str] = []
    for name in normalise_path(path).split(SEPARATOR):
        clean_text(name, field="category", label="A category name", max_len=SHORT_TEXT_MAX, required=True)
        walked.append(name)
        full = SEPARATOR.join(walked)
        existing = scope.session.scalar(select(Category).where(Category.path == full))
        if existing is None:
            existing = Category(
                id=scope.env.ids(),
                name=name,
                path=full,
                parent_id=parent.id if parent else None,
                depth=len(walked) - 1,
            )
            scope.session.add(existing)
            scope.session.flush()
            scope.enqueue("create_category", existing.id, {"path": full, "parent_id": existing.parent_id})
            scope.changed("category", existing.id, "created")
        parent = existing
    assert parent is not None
    return parent
