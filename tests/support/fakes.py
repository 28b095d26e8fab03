"""Deterministic stand-ins for the outside world: a settable clock, sequential ids, a memory keyring."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

# The template database is built at TEMPLATE_START; every test starts later, at TEST_START.
TEMPLATE_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
TEST_START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class FixedClock:
    """A clock that stands still until told to move: ``clock()`` is the current aware-UTC time."""

    def __init__(self, start: datetime = TEST_START) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward (or back, with a negative delta): ``clock.advance(minutes=5)``."""
        self.now += delta if delta is not None else timedelta(**kwargs)
        return self.now

    def set(self, when: datetime) -> datetime:
        self.now = when.astimezone(UTC)
        return self.now


class SequentialIds:
    """Valid UUIDv7 values, one millisecond apart from ``start``: deterministic, unique and time-ordered.

    Two factories with different starts never collide as long as their ranges do not overlap (the
    template database uses TEMPLATE_START, tests use TEST_START, weeks later).
    """

    def __init__(self, start: datetime = TEST_START) -> None:
        self._start_ms = int(start.timestamp() * 1000)
        self.issued = 0

    def __call__(self) -> uuid.UUID:
        self.issued += 1
        unix_ms = self._start_ms + self.issued
        value = (unix_ms << 80) | (0x7 << 76) | (0b10 << 62) | self.issued
        return uuid.UUID(int=value)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict: never the OS keyring, never a file."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError(f"No password for {username!r} in {service!r}.") from None
