"""Turns the ChangeSets that service writes return into Qt signals every view can follow."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.dtos import ChangeSet


class ChangeBus(QObject):
    changes_published = Signal(object)  # ChangeSet
    incidents_changed = Signal(object)  # frozenset[UUID]
    incidents_created = Signal(object)  # frozenset[UUID]
    directory_changed = Signal()

    def publish(self, changes: ChangeSet) -> None:
        if not changes:
            return
        self.changes_published.emit(changes)
        created = frozenset(c.entity_id for c in changes.changes if c.entity == "incident" and c.kind == "created")
        updated = changes.ids("incident") - created
        if created:
            self.incidents_created.emit(created)
        if updated:
            self.incidents_changed.emit(updated)
        if any(c.entity in ("reporter", "agent", "group", "category") for c in changes.changes):
            self.directory_changed.emit()
