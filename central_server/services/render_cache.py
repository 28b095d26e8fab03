"""The data a change row went out with, kept per process so each row is rendered once, not once per client.

With fifty clients pulling, every change row is rendered fifty times; loading the entity and turning
it into wire data was most of a pull's work. A change row's data is the entity's state when it was
first rendered, which is at least as new as the row; any later write publishes a later change row,
so a client that applies its pulls in counter order still ends with the current state (the reason
pull may send current state at all, PROTOCOL.md "Pull"). Visibility is never cached: it is decided
per user at every pull from the incident's current assignment.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any

# Entities whose rows change only by writes that publish a change row. Conflicts are per user;
# directory rows are few and cheap.
CACHEABLE = frozenset({"incident", "note", "audit"})
DEFAULT_CAPACITY = 50_000

CacheKey = tuple[str, uuid.UUID, int]  # entity, entity id, change counter


class RenderCache:
    """A thread-safe LRU of (entity, id, counter) → (incident id for visibility, wire data)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[CacheKey, tuple[uuid.UUID, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> tuple[uuid.UUID, dict[str, Any]] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: CacheKey, incident_id: uuid.UUID, data: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = (incident_id, data)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
