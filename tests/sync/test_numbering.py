"""Incident numbers: the local counter standalone, leased blocks when connected, "pending" when none is left."""

from __future__ import annotations

from desktop_app.cli.output import incident_table, incident_text
from desktop_app.context import AppContext
from desktop_app.domain.ids import PENDING_NUMBER, format_number
from tests.support.builders import make_incident
from tests.support.database import outbox_after, rows
from tests.sync.conftest import connect_locally


def test_standalone_numbers_from_the_local_counter(context: AppContext) -> None:
    assert [make_incident(context).number for _ in range(3)] == [1, 2, 3]
    assert context.sync.status().offline_only


def test_connected_numbers_come_from_the_leased_block_in_order(context: AppContext) -> None:
    connect_locally(context, blocks=((100, 101), (250, 250)))

    numbers = [make_incident(context).number for _ in range(3)]

    assert numbers == [100, 101, 250]
    assert rows(context, "SELECT value FROM counters WHERE name = 'incident_number'") == []  # never used
    assert context.sync.status().leased_numbers_left == 0


def test_a_leased_number_already_used_here_is_skipped(context: AppContext) -> None:
    make_incident(context)  # standalone: INC-000001
    connect_locally(context, blocks=((1, 3),))
    assert make_incident(context).number == 2


def test_out_of_leased_numbers_the_incident_is_pending(context: AppContext) -> None:
    connect_locally(context, blocks=())
    detail = make_incident(context, "Logged in a dead zone")

    assert detail.number is None
    assert detail.display_number == PENDING_NUMBER == "INC-pending"
    assert context.incidents.list_recent()[0].display_number == "INC-pending"
    assert "INC-pending" in incident_text(detail)
    assert "INC-pending" in incident_table(context.incidents.list_recent())
    payload = outbox_after(context, 0)[-1].payload
    assert payload["number"] is None
    assert context.sync.status().pending_numbers == 1


def test_format_number() -> None:
    assert format_number(None) == "INC-pending"
    assert format_number(42) == "INC-000042"


def test_many_pending_incidents_coexist(context: AppContext) -> None:
    connect_locally(context, blocks=())
    first, second = make_incident(context), make_incident(context, "another")
    assert first.number is second.number is None
    assert context.incidents.count() == 2
