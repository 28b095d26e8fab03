"""Time-ordered UUIDv7 keys for rows the server creates itself (audit events, conflicts)."""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=uuid6.uuid7().bytes)
