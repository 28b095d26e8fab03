"""Where a new incident's number comes from: the local counter, or a block leased from the server."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.models import Incident, NumberBlock, SyncState
from desktop_app.services.transaction import next_counter


def is_connected(session: Session) -> bool:
    """A server is configured (whether or not it is reachable right now)."""
    return session.scalar(select(SyncState.server_url).where(SyncState.id == 1)) is not None


def next_incident_number(session: Session) -> int | None:
    """Standalone: the local counter. Connected: the next leased number, or None (pending) when none is left.

    A standalone client's own sequence would collide with numbers other clients get from the server,
    so a connected client never uses it; a number from a leased block is final the moment it is given.
    """
    if not is_connected(session):
        return next_counter(session, "incident_number")
    return take_leased_number(session)


def take_leased_number(session: Session) -> int | None:
    blocks = session.scalars(
        select(NumberBlock).where(NumberBlock.next <= NumberBlock.end).order_by(NumberBlock.start)
    ).all()
    for block in blocks:
        while block.next <= block.end:
            candidate = block.next
            block.next += 1
            # A number from the standalone days may sit in a leased range: skip it, never collide.
            if session.scalar(select(Incident.id).where(Incident.number == candidate)) is None:
                return candidate
    return None


def leased_numbers_left(session: Session) -> int:
    blocks = session.execute(select(NumberBlock.next, NumberBlock.end)).all()
    return sum(max(0, end - nxt + 1) for nxt, end in blocks)
