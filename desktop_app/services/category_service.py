"""The category tree: "Network > Connectivity" paths, found by typing any part."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.category_search import search_categories
from desktop_app.domain.dtos import CategoryNode, Result
from desktop_app.domain.errors import UnknownCategoryError, ValidationError
from desktop_app.domain.limits import SHORT_TEXT_MAX, clean_text
from desktop_app.models import Category
from desktop_app.services.category_admin import admin_refusal, update_category
from desktop_app.services.transaction import ServiceBase, WriteScope
from sync_protocol.category_rules import CategoryRuleError, clean_name, joined

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
        id=category.id,
        name=category.name,
        path=category.path,
        parent_id=category.parent_id,
        depth=category.depth,
        is_active=category.is_active,
    )


class CategoryService(ServiceBase):
    def tree(self, *, include_inactive: bool = False) -> list[CategoryNode]:
        """Every active category (or every one), parents before children, alphabetical within a parent."""
        with self._read() as session:
            query = select(Category) if include_inactive else select(Category).where(Category.is_active)
            rows = session.scalars(query).all()
            # Sort on the path's parts, not its text: "Network (EU)" must not land between "Network"
            # and its children (" > " sorts after " (" and "-"), and case must not split the alphabet.
            return [to_node(c) for c in sorted(rows, key=_tree_key)]

    def search(self, query: str, limit: int = 12) -> list[CategoryNode]:
        """Categories whose path holds every typed word; leaf names that start with the query first."""
        return search_categories(self.tree(), query, limit)

    def resolve_path(self, path: str) -> CategoryNode:
        with self._read() as session:
            return to_node(find_category(session, path))

    def find_any(self, path: str) -> CategoryNode:
        """The category at a path, deactivated ones too (to reactivate or rename them)."""
        with self._read() as session:
            wanted = normalise_path(path)
            category = _by_path(session, wanted)
            if category is None:
                raise UnknownCategoryError(f"There is no category {wanted!r}.", field="category")
            return to_node(category)

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

    def create_child(self, parent_id: uuid.UUID | None, name: str) -> Result[CategoryNode]:
        """A new category under ``parent_id`` (None: the top level); its name must be new there."""
        with self._write() as scope:
            parent = scope.session.get(Category, parent_id) if parent_id is not None else None
            if parent_id is not None and parent is None:
                raise UnknownCategoryError("That category no longer exists.", field="category")
            try:
                path = joined(parent, clean_name(name))
            except CategoryRuleError as exc:
                raise ValidationError(exc.message, field=exc.field) from exc
            existing = _by_path(scope.session, path)
            if existing is not None:
                raise ValidationError(f"There is already a category “{existing.path}”.", field="name")
            node = ensure_path(scope, path)
            return Result(to_node(node), scope.change_set())

    # --- administration (category_admin: admins only, synced as update_category) -------------

    def admin_refusal(self) -> str | None:
        """Why this user may not rename, move or (de)activate categories; None if they may."""
        with self._read() as session:
            return admin_refusal(session)

    def rename(self, category_id: uuid.UUID, name: str) -> Result[CategoryNode]:
        return self._update(category_id, name=name)

    def move(self, category_id: uuid.UUID, parent_id: uuid.UUID | None) -> Result[CategoryNode]:
        """Under another parent (None: the top level), with everything under it."""
        return self._update(category_id, parent_id=parent_id)

    def set_active(self, category_id: uuid.UUID, active: bool) -> Result[CategoryNode]:
        """Deactivate or reactivate a category and everything under it."""
        return self._update(category_id, is_active=active)

    def _update(self, category_id: uuid.UUID, **changes: object) -> Result[CategoryNode]:
        with self._write() as scope:
            category = update_category(scope, category_id, **changes)
            return Result(to_node(category), scope.change_set())


def _tree_key(category: Category) -> list[str]:
    return [part.casefold() for part in category.path.split(SEPARATOR)]


def find_category(session: Session, path: str) -> Category:
    wanted = normalise_path(path)
    category = _by_path(session, wanted)
    if category is None or not category.is_active:
        raise UnknownCategoryError(
            f"There is no category {wanted!r}. Pick one from the tree (for example 'Network > Connectivity').",
            field="category",
        )
    return category


def _by_path(session: Session, path: str) -> Category | None:
    """The category at a normalised path, in any capitalisation (the tree is small)."""
    category = session.scalar(select(Category).where(Category.path == path))
    if category is None:
        folded = path.casefold()
        category = next((c for c in session.scalars(select(Category)) if c.path.casefold() == folded), None)
    return category


def ensure_path(scope: WriteScope, path: str) -> Category:
    parent: Category | None = None
    for name in normalise_path(path).split(SEPARATOR):
        clean_text(name, field="category", label="A category name", max_len=SHORT_TEXT_MAX, required=True)
        # Under the parent's stored spelling: "network > VPN 2" goes under "Network", not a new root.
        full = f"{parent.path}{SEPARATOR}{name}" if parent else name
        existing = _by_path(scope.session, full)
        if existing is not None and not existing.is_active:
            raise ValidationError(
                f"The category {existing.path!r} is deactivated; an admin can reactivate it from the tree.",
                field="category",
            )
        if existing is None:
            existing = Category(
                id=scope.env.ids(),
                name=name,
                path=full,
                parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0,
            )
            scope.session.add(existing)
            scope.session.flush()
            scope.enqueue("create_category", existing.id, {"path": full, "parent_id": existing.parent_id})
            scope.changed("category", existing.id, "created")
        parent = existing
    assert parent is not None
    return parent
