"""Incident numbers: blocks leased to clients (final numbers while offline) and single numbers.

Both come from one counter, so a leased block never overlaps another block or a single number.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from central_server.context import ServerContext
from central_server.domain.permissions import Actor
from central_server.models import NUMBERS_COUNTER, Counter, Incident
from central_server.models import NumberBlock as LeasedBlock
from central_server.services.clients import owned_client
from central_server.services.transaction import write_unit
from sync_protocol.schemas import NumberBlock, NumberBlockRequest


def bump_counter(session: Session, name: str, by: int) -> int:
    value = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + by).returning(Counter.value)
    ).scalar_one()
    return int(value)


def lease_block(ctx: ServerContext, actor: Actor, request: NumberBlockRequest) -> NumberBlock:
    with write_unit(ctx) as unit:
        owned_client(unit.session, request.client_id, actor, unit.now)
        end = bump_counter(unit.session, NUMBERS_COUNTER, request.size)
        start = end - request.size + 1
        unit.session.add(
            LeasedBlock(
                client_id=request.client_id, user_id=actor.id, start_number=start, end_number=end, leased_at=unit.now
            )
        )
    return NumberBlock(start=start, end=end)


def is_leased_to(session: Session, client_id: uuid.UUID, number: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    LeasedBlock.client_id == client_id,
                    LeasedBlock.start_number <= number,
                    LeasedBlock.end_number >= number,
                )
            )
        )
    )


def choose_number(session: Session, client_id: uuid.UUID, wanted: int | None) -> int:
    """Keep the client's number when it lies in a block leased to it and is unused; else the next free one."""
    if wanted is not None and is_leased_to(session, client_id, wanted):
        taken = session.scalar(select(exists().where(Incident.number == wanted)))
        if not taken:
            return wanted
    return bump_counter(session, NUMBERS_COUNTER, 1)
