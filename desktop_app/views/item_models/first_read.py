"""The queue's first read, started while the window is still being built.

Building the main window takes about 50 ms of Python and Qt; counting a million incidents and
reading the first page about 20 ms of SQLite, which runs without the GIL on the database thread.
Started at the model's creation instead of at the end of the window's constructor, the two overlap
(``QueueTableModel.start_first_read``); the first ``reload()`` then takes this answer instead of
reading again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_app.domain.queue_filter import QueueQuery

Deliver = Callable[[Any], None]


class FirstRead:
    """One answer (or error) that may arrive before or after someone asks for it; handed over once."""

    def __init__(self, query: QueueQuery) -> None:
        self.query = query
        self._outcome: tuple[bool, Any] | None = None  # (failed, value)
        self._waiting: tuple[Deliver, Deliver] | None = None

    def done(self, answer: Any) -> None:
        self._settle(False, answer)

    def failed(self, exc: Exception) -> None:
        self._settle(True, exc)

    def hand_to(self, on_done: Deliver, on_error: Deliver) -> None:
        if self._outcome is None:
            self._waiting = (on_done, on_error)
        else:
            self._deliver(on_done, on_error)

    def _settle(self, failed: bool, value: Any) -> None:
        self._outcome = (failed, value)
        if self._waiting is not None:
            self._deliver(*self._waiting)

    def _deliver(self, on_done: Deliver, on_error: Deliver) -> None:
        assert self._outcome is not None
        failed, value = self._outcome
        self._waiting = None
        (on_error if failed else on_done)(value)
