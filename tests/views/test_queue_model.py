"""The queue's lazy table model: Qt's model contract, keyset paging, in-place refresh, colours."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail, IncidentSummary
from desktop_app.domain.enums import Priority, Status
from desktop_app.domain.queue_filter import QueueQuery, QueueSort, builtin_view
from desktop_app.views.item_models.queue_columns import COLUMNS
from desktop_app.views.item_models.queue_table_model import (
    INCIDENT_ID_ROLE,
    LOADING_TEXT,
    SUMMARY_ROLE,
    QueueTableModel,
)
from desktop_app.views.tasks import SyncTaskRunner
from desktop_app.views.widgets.priority_badge import PRIORITY_COLOURS
from tests.support.builders import CLOSURE_DOCS, make_incident
from tests.support.fakes import FixedClock

PRIORITY_COLUMN = COLUMNS.index("Priority")
STATUS_COLUMN = COLUMNS.index("Status")
TITLE_COLUMN = COLUMNS.index("Title")


def create_incidents(context: AppContext, clock: FixedClock, count: int, **fields: object) -> list[IncidentDetail]:
    """``count`` incidents, one minute apart, so their created_at differ."""
    created = []
    for n in range(count):
        clock.advance(minutes=1)
        created.append(make_incident(context, f"Incident number {n} of the batch", **fields))
    return created


def newest_first(details: list[IncidentDetail]) -> list[uuid.UUID]:
    return [d.id for d in sorted(details, key=lambda d: (d.created_at, d.id), reverse=True)]


def loaded_ids(model: QueueTableModel) -> list[uuid.UUID]:
    return [model.index(row, 0).data(INCIDENT_ID_ROLE) for row in range(model.rowCount())]


@pytest.fixture
def make_model(context: AppContext, runner: SyncTaskRunner) -> Callable[..., QueueTableModel]:
    def make(page_size: int = 200, query: QueueQuery | None = None) -> QueueTableModel:
        model = QueueTableModel(context.queue, runner, page_size)
        if query is None:
            model.reload()
        else:
            model.set_query(query)
        return model

    return make


def load_all(model: QueueTableModel) -> None:
    model.fetch_rows(0, model.rowCount() - 1)


def test_model_contract_with_incidents(
    qtmodeltester, context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    create_incidents(context, clock, 4)
    model = make_model(200)
    assert model.rowCount() == 4
    assert model.columnCount() == len(COLUMNS)
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected: an insertion at the top and an update in place are checked too.
    newcomer = create_incidents(context, clock, 1)[0]
    model.refresh_incidents(frozenset({newcomer.id}))
    context.incidents.change_status(newcomer.id, Status.IN_PROGRESS)
    model.refresh_incidents(frozenset({newcomer.id}))
    assert model.rowCount() == 5
    assert model.index(0, STATUS_COLUMN).data() == "In progress"


def test_model_contract_with_unloaded_rows(
    qtmodeltester, context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    create_incidents(context, clock, 12)
    model = make_model(5)
    assert model.rowCount() == 12, "the scrollbar reflects every match, not the loaded rows"
    assert model.loaded_count() == 5
    qtmodeltester.check(model, force_py=True)


def test_model_contract_with_empty_database(qtmodeltester, make_model: Callable[..., QueueTableModel]) -> None:
    model = make_model(200)
    assert model.rowCount() == 0
    assert model.total == 0
    qtmodeltester.check(model, force_py=True)


def test_headers_and_display_values(
    context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel], make_reporter
) -> None:
    caller = make_reporter("Grace Hopper")
    incident = create_incidents(
        context, clock, 1, title="Compiler bug", reporter_id=caller.id, category_path="Network > Connectivity"
    )[0]
    model = make_model(200)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == list(COLUMNS)
    assert model.headerData(len(COLUMNS), Qt.Orientation.Horizontal) is None
    values = {COLUMNS[c]: model.index(0, c).data() for c in range(model.columnCount())}
    assert values["Number"] == incident.display_number
    assert values["Priority"] == incident.priority.value
    assert values["Title"] == "Compiler bug"
    assert values["Reporter"] == "Grace Hopper"
    assert values["Category"] == "Network > Connectivity"
    assert values["Status"] == "New"
    assert model.index(0, TITLE_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == "Compiler bug"
    summary = model.index(0, 0).data(SUMMARY_ROLE)
    assert isinstance(summary, IncidentSummary)
    assert summary.id == incident.id


def test_rows_load_a_page_at_a_time_where_the_view_looks(
    context: AppContext,
    clock: FixedClock,
    make_model: Callable[..., QueueTableModel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = create_incidents(context, clock, 23)
    calls: list[tuple] = []
    page = context.queue.page
    key_at = context.queue.key_at

    def recording_page(query, limit=200, after=None, backward=False):
        calls.append(("page", limit, after, backward))
        return page(query, limit, after, backward)

    def recording_key_at(query, position):
        calls.append(("key_at", position))
        return key_at(query, position)

    monkeypatch.setattr(context.queue, "page", recording_page)
    monkeypatch.setattr(context.queue, "key_at", recording_key_at)
    model = make_model(5)
    expected = newest_first(created)
    assert (model.rowCount(), model.loaded_count()) == (23, 5)
    assert model.index(22, TITLE_COLUMN).data() == LOADING_TEXT
    model.fetch_rows(22, 22)  # jump to the last row: read backwards from the end, no OFFSET
    assert calls[-1] == ("page", 3, None, True)
    assert model.index(22, 0).data(INCIDENT_ID_ROLE) == expected[22]
    model.fetch_rows(10, 10)  # into the middle: the key before it, then a keyset page
    assert calls[-2] == ("key_at", 9)
    assert model.index(10, 0).data(INCIDENT_ID_ROLE) == expected[10]
    model.fetch_rows(5, 5)  # next to loaded rows: keyset from the neighbour
    assert calls[-1][0] == "page"
    assert calls[-1][2] == model._rows[4].key
    load_all(model)
    assert loaded_ids(model) == expected


def test_incidents_created_in_the_same_instant_are_ordered_by_id(
    context: AppContext, make_model: Callable[..., QueueTableModel]
) -> None:
    created = [make_incident(context, f"Same-second incident {n}") for n in range(12)]
    assert len({d.created_at for d in created}) == 1
    model = make_model(5)
    load_all(model)
    assert loaded_ids(model) == sorted((d.id for d in created), reverse=True)


def test_sorting_by_a_column_reloads_in_that_order(
    context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    create_incidents(context, clock, 3, impact=3, urgency=3)
    create_incidents(context, clock, 2, impact=1, urgency=1)
    model = make_model(200)
    model.sort(PRIORITY_COLUMN, Qt.SortOrder.AscendingOrder)
    assert model.query.sort == QueueSort("priority", descending=False)
    assert [model.index(r, PRIORITY_COLUMN).data() for r in range(5)] == ["P1", "P1", "P5", "P5", "P5"]


def test_reload_keeps_the_true_count_and_counts_every_incident(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    create_incidents(context, clock, 7)
    model = make_model(5, builtin_view("all_open").query)
    newer = create_incidents(context, clock, 1)[0]
    with qtbot.waitSignal(model.modelReset), qtbot.waitSignal(model.counts_changed) as counted:
        model.reload()
    assert (counted.args[0].total, counted.args[0].matches) == (8, 8)
    assert model.rowCount() == 8
    assert loaded_ids(model)[0] == newer.id


def test_refresh_updates_a_changed_row_in_place(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    created = create_incidents(context, clock, 3)
    model = make_model(200)
    target = created[1]
    row = model.row_of(target.id)
    assert row == 1
    context.incidents.change_status(target.id, Status.IN_PROGRESS)
    with (
        qtbot.waitSignal(model.dataChanged) as changed,
        qtbot.assertNotEmitted(model.rowsInserted),
        qtbot.assertNotEmitted(model.modelReset),
    ):
        model.refresh_incidents(frozenset({target.id}))
    top_left, bottom_right = changed.args[0], changed.args[1]
    assert (top_left.row(), top_left.column()) == (row, 0)
    assert (bottom_right.row(), bottom_right.column()) == (row, len(COLUMNS) - 1)
    assert model.rowCount() == 3
    assert model.index(row, STATUS_COLUMN).data() == "In progress"
    assert loaded_ids(model) == newest_first(created), "an update does not move the row"


def test_inserts_and_deletes_while_scrolled_keep_rows_and_selection(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    """Scrolled to the bottom of an open view: a new incident arrives at the top, another leaves."""
    created = create_incidents(context, clock, 30)
    model = make_model(5, builtin_view("all_open").query)
    model.fetch_rows(25, 29)  # the bottom is loaded, the middle is not
    selected = model.index(27, 0)
    kept = QPersistentModelIndex(selected)
    selected_id = selected.data(INCIDENT_ID_ROLE)
    newcomer = create_incidents(context, clock, 1)[0]
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.refresh_incidents(frozenset({newcomer.id}))
    assert inserted.args[1:] == [0, 0]
    assert model.rowCount() == 31
    assert kept.row() == 28, "the selection moved down with its row"
    assert model.index(kept.row(), 0).data(INCIDENT_ID_ROLE) == selected_id
    leaving = created[29]  # the newest before the newcomer: row 1
    context.incidents.change_status(leaving.id, Status.RESOLVED, **CLOSURE_DOCS)
    with qtbot.waitSignal(model.rowsRemoved):
        model.refresh_incidents(frozenset({leaving.id}))
    assert model.rowCount() == 30
    assert kept.row() == 27
    assert model.index(kept.row(), 0).data(INCIDENT_ID_ROLE) == selected_id
    # A change to a row in the unloaded middle: the count stays true, the rows stay in order.
    middle = created[12]
    context.incidents.change_status(middle.id, Status.RESOLVED, **CLOSURE_DOCS)
    model.refresh_incidents(frozenset({middle.id}))
    assert model.rowCount() == 29
    load_all(model)
    expected = [i for i in newest_first([*created, newcomer]) if i not in (leaving.id, middle.id)]
    assert [i for i in loaded_ids(model) if i is not None] == expected


def test_priority_colours_and_row_styles(
    context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    critical = create_incidents(context, clock, 1, impact=1, urgency=1)[0]
    planning = create_incidents(context, clock, 1, impact=3, urgency=3)[0]
    done = create_incidents(context, clock, 1, impact=2, urgency=2)[0]
    context.incidents.change_status(done.id, Status.CANCELED)
    model = make_model(200)
    for incident, priority in ((critical, Priority.P1), (planning, Priority.P5), (done, Priority.P3)):
        row = model.row_of(incident.id)
        assert row is not None
        cell = model.index(row, PRIORITY_COLUMN)
        background = cell.data(Qt.ItemDataRole.BackgroundRole)
        foreground = cell.data(Qt.ItemDataRole.ForegroundRole)
        assert isinstance(background, QBrush)
        assert isinstance(foreground, QBrush)
        assert background.color().name() == PRIORITY_COLOURS[priority][0]
        assert foreground.color().name() == PRIORITY_COLOURS[priority][1]
        assert cell.data(Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignCenter)
        assert cell.data() == priority.value
        # Only the priority cell is painted in the priority's colour.
        assert model.index(row, TITLE_COLUMN).data(Qt.ItemDataRole.BackgroundRole) is None
    new_row = model.row_of(critical.id)
    font = model.index(new_row, TITLE_COLUMN).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold(), "new incidents stand out"
    done_row = model.row_of(done.id)
    assert model.index(done_row, TITLE_COLUMN).data(Qt.ItemDataRole.FontRole) is None
    greyed = model.index(done_row, TITLE_COLUMN).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(greyed, QBrush)
    assert greyed.color().name() == "#78909c", "finished incidents are greyed"


def test_unserved_roles_do_not_leak_references_to_none(
    context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    """Regression for PySide6 6.12.0, which dropped a reference to None per invalid QVariant."""
    create_incidents(context, clock, 2)
    model = make_model(200)
    index = model.index(0, TITLE_COLUMN)
    roles = (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.WhatsThisRole, Qt.ItemDataRole.UserRole + 50)
    for role in roles:
        assert index.data(role) is None
    before = sys.getrefcount(None)
    for chunk in range(20):  # check as we go, so a leak fails the test before None is freed
        for n in range(1000):
            index.data(roles[n % len(roles)])
        drop = before - sys.getrefcount(None)
        assert drop < 100, f"None lost {drop} references after {(chunk + 1) * 1000} calls"


def test_the_first_read_is_a_screenful_and_the_rest_of_its_page_follows(
    context: AppContext, clock: FixedClock, make_model: Callable[..., QueueTableModel]
) -> None:
    from desktop_app.views.item_models.queue_table_model import FIRST_READ_ROWS

    created = create_incidents(context, clock, FIRST_READ_ROWS + 7)
    model = make_model(200)
    assert (model.rowCount(), model.loaded_count()) == (FIRST_READ_ROWS + 7, FIRST_READ_ROWS)
    model.fetch_rows(FIRST_READ_ROWS + 3, FIRST_READ_ROWS + 3)
    assert loaded_ids(model) == newest_first(created)
