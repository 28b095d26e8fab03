"""Leasing incident numbers, so that incidents logged offline get final numbers at once (DESIGN §3)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from desktop_app.domain.sync_errors import ProtocolError
from desktop_app.models import NumberBlock
from desktop_app.services.numbering import leased_numbers_left
from desktop_app.sync.http import ApiClient
from desktop_app.sync.store import SyncStore
from sync_protocol.schemas import NumberBlockRequest

BLOCK_SIZE = 50
# Ask for more while some are left: a technician may log several calls before the next sync.
LOW_WATER = 20


def ensure_numbers(store: SyncStore, api: ApiClient, client_id: uuid.UUID) -> int:
    """Lease a new block when fewer than LOW_WATER numbers are left; returns how many were leased."""
    with store.read() as session:
        if leased_numbers_left(session) >= LOW_WATER:
            return 0
    block = api.lease_numbers(NumberBlockRequest(client_id=client_id, size=BLOCK_SIZE))
    if block.start < 1 or block.end < block.start:
        raise ProtocolError(f"The server leased an empty or invalid number block ({block.start}..{block.end}).")
    with store.write() as scope:
        if scope.session.scalar(select(NumberBlock.start).where(NumberBlock.start == block.start)) is None:
            scope.session.add(NumberBlock(start=block.start, end=block.end, next=block.start, leased_at=scope.now))
    return block.end - block.start + 1
