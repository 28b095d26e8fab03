"""The queue's lazy table model: Qt's model contract, keyset paging, in-place refresh, colours."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import IncidentDetail, IncidentSummary
from desktop_app.domain.enums import Priority, Status
from desktop_app.views.item_models.queue_table_model import COLUMNS, INCIDENT_ID_ROLE, SUMMARY_ROLE, QueueTableModel
from desktop_app.views.tasks import SyncTaskRunner
from desktop_app.views.widgets.priority_badge import PRIORITY_COLOURS
from tests.support.builders import make_incident
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
def make_model(context: AppContext, runner: SyncTaskRunner) -> Callable[[int], QueueTableModel]:
    def make(page_size: int = 200) -> QueueTableModel:
        model = QueueTableModel(context.incidents, runner, page_size)
        model.reload()
        return model

    return make


def test_model_contract_with_incidents(
    qtmodeltester, context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
) -> None:
    create_incidents(context, clock, 4)
    model = make_model(200)
    assert model.rowCount() == 4
    assert model.columnCount() == len(COLUMNS)
    assert not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected: an insertion at the top and an update in place are checked too.
    # (Not a reload: the Python tester fetches more from inside its own modelReset handler.)
    newcomer = create_incidents(context, clock, 1)[0]
    model.refresh_incidents(frozenset({newcomer.id}))
    context.incidents.change_status(newcomer.id, Status.IN_PROGRESS)
    model.refresh_incidents(frozenset({newcomer.id}))
    assert model.rowCount() == 5
    assert model.index(0, STATUS_COLUMN).data() == "In progress"


def test_model_contract_with_empty_database(qtmodeltester, make_model: Callable[[int], QueueTableModel]) -> None:
    model = make_model(200)
    assert model.rowCount() == 0
    assert model.total == 0
    assert not model.canFetchMore(QModelIndex()), "an empty first page means there is nothing more"
    qtmodeltester.check(model, force_py=True)


def test_headers_and_display_values(
    context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel], make_reporter
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


def test_pages_are_fetched_by_keyset_until_everything_is_loaded_once(
    context: AppContext,
    clock: FixedClock,
    make_model: Callable[[int], QueueTableModel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = create_incidents(context, clock, 23)
    afters: list[tuple[datetime, uuid.UUID] | None] = []
    list_recent = context.incidents.list_recent

    def recording(limit: int, after: tuple[datetime, uuid.UUID] | None = None, open_only: bool = False):
        afters.append(after)
        return list_recent(limit, after, open_only)

    monkeypatch.setattr(context.incidents, "list_recent", recording)
    model = make_model(5)
    assert model.rowCount() == 5
    assert model.total == 23
    sizes = []
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        sizes.append(model.rowCount())
    assert sizes == [10, 15, 20, 23]
    assert not model.canFetchMore(QModelIndex())
    assert loaded_ids(model) == newest_first(created), "every incident once, newest first"
    # Each page starts after the last row already loaded: (created_at, id), never an OFFSET.
    assert afters[0] is None
    expected = [None] + [(s.created_at, s.id) for s in (model.summary_at(r) for r in (4, 9, 14, 19))]
    assert afters == expected
    # Fetching past the end is a no-op.
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 23
    assert model.loaded_count() == 23


def test_incidents_created_in_the_same_instant_are_paged_by_id(
    context: AppContext, make_model: Callable[[int], QueueTableModel]
) -> None:
    # The fixed clock does not move: all twelve share created_at, so only the id orders them.
    created = [make_incident(context, f"Same-second incident {n}") for n in range(12)]
    assert len({d.created_at for d in created}) == 1
    model = make_model(5)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert loaded_ids(model) == sorted((d.id for d in created), reverse=True)


def test_exact_multiple_of_the_page_size_ends_with_an_empty_page(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
) -> None:
    create_incidents(context, clock, 10)
    model = make_model(5)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 10
    assert model.canFetchMore(QModelIndex()), "a full page may have more behind it"
    with qtbot.assertNotEmitted(model.rowsInserted):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 10
    assert not model.canFetchMore(QModelIndex())


def test_reload_starts_again_from_the_newest(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
) -> None:
    create_incidents(context, clock, 7)
    model = make_model(5)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 7
    newer = create_incidents(context, clock, 1)[0]
    with qtbot.waitSignal(model.modelReset), qtbot.waitSignal(model.total_changed) as counted:
        model.reload()
    assert counted.args == [8]
    assert model.rowCount() == 5
    assert loaded_ids(model)[0] == newer.id


def test_refresh_updates_a_changed_row_in_place(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
) -> None:
    created = create_incidents(context, clock, 3)
    model = make_model(200)
    target = created[1]
    row = model.row_of(target.id)
    assert row == 1
    assert model.index(row, STATUS_COLUMN).data() == "New"
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
    assert model.total == 3
    assert model.index(row, STATUS_COLUMN).data() == "In progress"
    assert loaded_ids(model) == newest_first(created), "an update does not move the row"


def test_refresh_inserts_a_new_incident_at_the_top(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
) -> None:
    create_incidents(context, clock, 6)
    model = make_model(5)
    assert (model.rowCount(), model.total) == (5, 6)
    newcomer = create_incidents(context, clock, 1)[0]
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.refresh_incidents(frozenset({newcomer.id}))
    assert inserted.args[1:] == [0, 0]
    assert model.index(0, 0).data(INCIDENT_ID_ROLE) == newcomer.id
    assert model.rowCount() == 6
    assert model.total == 7
    # The next page still continues where the old last row left off: nothing twice, nothing lost.
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 7
    assert len(set(loaded_ids(model))) == 7


def test_refresh_of_an_incident_not_loaded_yet_leaves_it_to_its_page(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
) -> None:
    """Working on an old incident (opened by number) must not pull it to the top or change the count."""
    created = create_incidents(context, clock, 12)
    model = make_model(5)
    oldest = created[0]
    assert model.row_of(oldest.id) is None
    context.incidents.change_status(oldest.id, Status.IN_PROGRESS)
    with qtbot.assertNotEmitted(model.rowsInserted):
        model.refresh_incidents(frozenset({oldest.id}))
    assert model.rowCount() == 5
    assert model.total == 12
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert loaded_ids(model) == newest_first(created)
    assert model.index(11, STATUS_COLUMN).data() == "In progress"


def test_priority_colours_and_row_styles(
    context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
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
    context: AppContext, clock: FixedClock, make_model: Callable[[int], QueueTableModel]
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
