"""The user's saved queue views: save the current filters under a name, rename, delete, reorder.

Saved views are this device's preferences (like settings.json), so they do not sync; the
built-in views (``domain.queue_filter.BUILTIN_VIEWS``) are always there and cannot be changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from desktop_app.domain.dtos import Result
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.limits import SHORT_TEXT_MAX, clean_text
from desktop_app.domain.queue_filter import BUILTIN_VIEWS, QueueQuery
from desktop_app.models.queue import SavedView
from desktop_app.services.transaction import ServiceBase


@dataclass(frozen=True)
class SavedViewSummary:
    id: uuid.UUID
    name: str
    query: QueueQuery
    position: int


def _summary(view: SavedView) -> SavedViewSummary:
    return SavedViewSummary(view.id, view.name, QueueQuery.from_json(dict(view.query)), view.position)


class SavedViewService(ServiceBase):
    def list(self) -> list[SavedViewSummary]:
        with self._read() as session:
            views = session.scalars(select(SavedView).order_by(SavedView.position, SavedView.name)).all()
            return [_summary(v) for v in views]

    def find(self, name: str) -> SavedViewSummary | None:
        folded = name.strip().casefold()
        return next((v for v in self.list() if v.name.casefold() == folded), None)

    def save(self, name: str, query: QueueQuery) -> Result[SavedViewSummary]:
        """Save under a new name, or replace the filters of the view with that name."""
        clean = self._name(name)
        with self._write() as scope:
            session = scope.session
            view = session.scalar(select(SavedView).where(func.lower(SavedView.name) == clean.lower()))
            if view is None:
                last = session.scalar(select(func.max(SavedView.position)))
                view = SavedView(
                    id=scope.env.ids(),
                    name=clean,
                    query=query.to_json(),
                    position=(last if last is not None else -1) + 1,
                    created_at=scope.now,
                )
                session.add(view)
                scope.changed("saved_view", view.id, "created")
            else:
                view.query = query.to_json()
                scope.changed("saved_view", view.id)
            session.flush()
            return Result(_summary(view), scope.change_set())

    def rename(self, view_id: uuid.UUID, name: str) -> Result[SavedViewSummary]:
        clean = self._name(name)
        with self._write() as scope:
            view = _view(scope.session, view_id)
            clash = scope.session.scalar(
                select(SavedView).where(func.lower(SavedView.name) == clean.lower(), SavedView.id != view_id)
            )
            if clash is not None:
                raise ValidationError(f"There is already a view called “{clash.name}”.", field="name")
            view.name = clean
            scope.changed("saved_view", view.id)
            return Result(_summary(view), scope.change_set())

    def delete(self, view_id: uuid.UUID) -> Result[None]:
        with self._write() as scope:
            scope.session.delete(_view(scope.session, view_id))
            scope.changed("saved_view", view_id, "deleted")
            return Result(None, scope.change_set())

    def move(self, view_id: uuid.UUID, position: int) -> Result[list[SavedViewSummary]]:
        """Put the view at ``position`` (0 = first) and renumber the others in order."""
        with self._write() as scope:
            views = list(scope.session.scalars(select(SavedView).order_by(SavedView.position, SavedView.name)))
            moving = next((v for v in views if v.id == view_id), None)
            if moving is None:
                raise NotFoundError("That saved view no longer exists.")
            views.remove(moving)
            views.insert(max(0, min(position, len(views))), moving)
            for index, view in enumerate(views):
                view.position = index
                scope.changed("saved_view", view.id)
            return Result([_summary(v) for v in views], scope.change_set())

    @staticmethod
    def _name(name: str) -> str:
        clean = clean_text(name, field="name", label="The view's name", max_len=SHORT_TEXT_MAX, required=True)
        assert clean is not None
        if clean.casefold() in {v.name.casefold() for v in BUILTIN_VIEWS}:
            raise ValidationError(f"“{clean}” is a built-in view; choose another name.", field="name")
        return clean


def _view(session, view_id: uuid.UUID) -> SavedView:
    view = session.get(SavedView, view_id)
    if view is None:
        raise NotFoundError("That saved view no longer exists.")
    return view
