"""The workflow in the GUI, offscreen: the closure dialog, escalation, workaround, similar, the timeline,
and the window's new actions end to end on the real services (synchronous runner)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.dtos import AgentSummary, GroupSummary, IncidentDetail
from desktop_app.domain.enums import NoteKind, Status
from desktop_app.domain.escalation import EscalationKind
from desktop_app.domain.timeline import TimelineEntry, TimelineKind
from desktop_app.views.main_window import MainWindow
from desktop_app.views.status_dialog import StatusDialog
from desktop_app.views.work.escalation_dialog import EscalationDialog
from desktop_app.views.work.similar_dialog import SimilarDialog
from desktop_app.views.work.timeline_view import TimelineView
from desktop_app.views.work.workaround_dialog import WorkaroundDialog
from tests.support.builders import make_agent, resolve

MakeIncident = Callable[..., IncidentDetail]


@pytest.fixture
def incident(context: AppContext, make_incident: MakeIncident) -> IncidentDetail:
    return make_incident("The VPN drops every hour", title="VPN drops")


def _show(qtbot: QtBot, dialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()


# --- the closure dialog ------------------------------------------------------------------------


def test_the_closure_dialog_lists_what_close_still_needs_as_it_is_typed(
    qtbot: QtBot, context: AppContext, incident: IncidentDetail
) -> None:
    resolved = resolve(context, incident)
    dialog = StatusDialog(resolved, target=Status.CLOSED)
    _show(qtbot, dialog)
    assert dialog.target.currentData() == Status.CLOSED
    assert dialog.resolution_code.currentData() == "hardware_replaced", "Resolve's code is kept"
    assert dialog.gaps.isVisible()
    assert "root cause category" in dialog.gaps.text()
    assert dialog.not_informed_reason.isVisible(), "not informed yet: asks why not"

    dialog.cause_category.setCurrentIndex(dialog.cause_category.findData("hardware"))
    dialog.root_cause.setText("Worn fuser")
    assert "why" in dialog.gaps.text()
    dialog.informed.setChecked(True)

    assert not dialog.gaps.isVisible()
    assert not dialog.not_informed_reason.isVisible()
    assert dialog.chosen() == {
        "target": Status.CLOSED,
        "resolution_code": "hardware_replaced",
        "resolution_steps": "Swapped the fuser unit, printed a test page",
        "root_cause_category": "hardware",
        "root_cause": "Worn fuser",
        "reporter_informed": True,
        "reporter_not_informed_reason": None,
    }


def test_reopen_asks_for_a_reason_and_keeps_a_legacy_code(
    qtbot: QtBot, context: AppContext, incident: IncidentDetail
) -> None:
    resolved = resolve(context, incident)
    legacy = type(resolved)(**{**resolved.__dict__, "resolution_code": "Solved (permanently)"})
    dialog = StatusDialog(legacy, target=Status.IN_PROGRESS)
    _show(qtbot, dialog)
    assert dialog.target.currentText() == "Reopen (in progress)"
    assert dialog.reopen_reason.isVisible()
    assert not dialog.resolution_code.isVisible()
    dialog.reopen_reason.setText("User says it drops again")
    assert dialog.chosen() == {"target": Status.IN_PROGRESS, "reason": "User says it drops again"}
    assert dialog.resolution_code.currentText() == "Solved (permanently)"


# --- escalation ----------------------------------------------------------------------------------


def _directory(context: AppContext) -> tuple[list[GroupSummary], list[AgentSummary]]:
    make_agent(context, "Sam Boss", groups=("Network Team",))
    return context.directory.groups(), context.directory.agents()


def test_the_escalation_dialog_needs_a_reason_and_hands_back_the_choice(
    qtbot: QtBot, context: AppContext, incident: IncidentDetail
) -> None:
    groups, agents = _directory(context)
    dialog = EscalationDialog(incident, groups, agents, my_role="agent")
    _show(qtbot, dialog)
    reassignment = dialog.kind.model().item(dialog.kind.findData(EscalationKind.REASSIGNMENT))
    assert not reassignment.isEnabled(), "an agent cannot reassign with a reason"
    network = next(g for g in groups if g.name == "Network Team")
    dialog.group.setCurrentIndex(dialog.group.findData(network.id))

    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert "needs a reason" in dialog.error.text()

    dialog.reason.setPlainText("Tunnel config is theirs")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert (dialog.chosen_kind(), dialog.group_id, dialog.assignee_id) == (EscalationKind.FUNCTIONAL, network.id, None)


def test_a_supervisor_may_choose_reassignment(qtbot: QtBot, context: AppContext, incident: IncidentDetail) -> None:
    groups, agents = _directory(context)
    dialog = EscalationDialog(incident, groups, agents, my_role="supervisor")
    _show(qtbot, dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(EscalationKind.REASSIGNMENT))
    assert dialog.agent.isEnabled()
    assert "any group and person" in dialog.hint.text()


# --- workaround and similar ----------------------------------------------------------------------


def test_the_workaround_dialog_shows_the_history_and_which_button_was_pressed(
    qtbot: QtBot, context: AppContext, incident: IncidentDetail
) -> None:
    context.workflow.worklog.set_workaround(incident.id, "Reconnect")
    detail = context.workflow.worklog.set_workaround(incident.id, "Use the web portal").value
    dialog = WorkaroundDialog(detail)
    _show(qtbot, dialog)
    history = [dialog.history.item(i).text() for i in range(dialog.history.count())]
    assert history[0].endswith("Use the web portal")
    assert history[1].endswith("Reconnect")
    assert not dialog.symptom.isVisible()
    dialog.keep.setChecked(True)
    dialog.symptom.clear()
    dialog.publish_button.click()
    assert "needs the symptom" in dialog.error.text()
    dialog.symptom.setText("VPN drops every hour")
    dialog.publish_button.click()
    assert (dialog.result(), dialog.publish) == (dialog.DialogCode.Accepted, True)


def test_the_similar_dialog_links_with_one_key(
    qtbot: QtBot, context: AppContext, make_incident: MakeIncident, incident: IncidentDetail
) -> None:
    other = make_incident("VPN drops when on the train", title="VPN drops on the train")
    similar = context.workflow.similar.similar_to(incident.id)
    dialog = SimilarDialog(incident, similar, [])
    _show(qtbot, dialog)
    assert dialog.table.item(0, 0).text() == other.display_number
    with qtbot.waitSignal(dialog.link_requested) as linked:
        qtbot.keyClick(dialog.table, Qt.Key.Key_D)
    assert linked.args == [other.id, True]
    with qtbot.waitSignal(dialog.link_requested) as linked:
        qtbot.keyClick(dialog.table, Qt.Key.Key_P)
    assert linked.args == [other.id, False]


# --- the timeline ------------------------------------------------------------------------------


def test_the_timeline_is_newest_first_and_filters_by_kind(qtbot: QtBot) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    view = TimelineView()
    qtbot.addWidget(view)
    view.show_entries(
        [
            TimelineEntry(start, TimelineKind.STATUS, "Logged as INC-000001", None, "Ann", "a1"),
            TimelineEntry(start + timedelta(minutes=5), TimelineKind.NOTE, "Worklog · 5 min", "Rebooted", "Ann", "n1"),
            TimelineEntry(
                start + timedelta(minutes=9), TimelineKind.ESCALATION, "Escalation", "To network", "Ann", "n2"
            ),
        ]
    )
    text = view.toPlainText()
    assert text.index("Escalation") < text.index("Worklog") < text.index("Logged")
    view.filters[TimelineKind.NOTE].setChecked(False)
    assert "Worklog" not in view.toPlainText()
    view.set_only(TimelineKind.STATUS)
    assert "Escalation" not in view.toPlainText()
    assert "Logged as INC-000001" in view.toPlainText()
    view.set_only(TimelineKind.ATTACHMENT)
    assert "3 hidden by the filters" in view.toPlainText()


# --- the window ----------------------------------------------------------------------------------


@pytest.fixture
def shown(qtbot: QtBot, main_window: MainWindow, incident: IncidentDetail) -> MainWindow:
    main_window.queue_model.reload()
    assert main_window.queue.select_incident(incident.id)
    qtbot.waitUntil(lambda: main_window.detail.detail is not None)
    return main_window


def test_take_it_and_a_timed_visible_worklog_entry_from_the_window(
    qtbot: QtBot, shown: MainWindow, context: AppContext, incident: IncidentDetail
) -> None:
    shown.actions_by_id["take_it"].trigger()
    assert shown.detail.fields["assignee"].text() == "Terry Tester"
    assert not shown.actions_by_id["reopen"].isEnabled()
    shown.detail.note_text.setPlainText("Reset the tunnel")
    shown.detail.worklog_options.minutes.setValue(15)
    shown.detail.worklog_options.visible.setChecked(True)
    shown.detail.submit_note()

    note = context.incidents.get(incident.id).notes[-1]
    assert (note.kind, note.time_spent_minutes, note.visibility) == (NoteKind.WORKLOG, 15, "visible")
    assert shown.detail.worklog_options.minutes.value() == 0, "reset after saving"
    assert "Worklog · 15 min · visible" in shown.detail.timeline.toPlainText()


def test_resolve_close_and_reopen_from_the_window(
    qtbot: QtBot, shown: MainWindow, context: AppContext, incident: IncidentDetail
) -> None:
    shown.actions_by_id["resolve"].trigger()
    dialog = shown.status_dialog
    assert dialog.target.currentData() == Status.RESOLVED
    dialog.resolution_code.setCurrentIndex(dialog.resolution_code.findData("fixed"))
    dialog.steps.setPlainText("Reset the tunnel")
    dialog.accept()
    assert shown.detail.status.text() == "Resolved"
    assert shown.actions_by_id["close_incident"].isEnabled()

    shown.actions_by_id["close_incident"].trigger()
    dialog = shown.status_dialog
    dialog.root_cause.setText("MTU")
    dialog.accept()  # no category, nobody told: refused, the dialog comes back with the rule
    assert dialog.isVisible()
    assert "root cause category" in dialog.error.text()
    dialog.cause_category.setCurrentIndex(dialog.cause_category.findData("network"))
    dialog.informed.setChecked(True)
    dialog.accept()
    assert shown.detail.status.text() == "Closed"
    assert not shown.actions_by_id["escalate"].isEnabled()
    assert not shown.detail.work_bar.buttons["workaround"].isEnabled()

    shown.actions_by_id["reopen"].trigger()
    dialog = shown.status_dialog
    dialog.reopen_reason.setText("Drops again")
    dialog.accept()
    assert context.incidents.get(incident.id).status == Status.IN_PROGRESS
    assert "Reopened from closed: Drops again" in shown.detail.timeline.toPlainText()


def test_escalate_from_the_window_records_it_in_the_timeline(
    qtbot: QtBot, shown: MainWindow, context: AppContext, incident: IncidentDetail
) -> None:
    make_agent(context, "Sam Boss", groups=("Network Team",))
    shown.actions_by_id["escalate"].trigger()
    dialog = shown.escalation_dialog
    dialog.group.setCurrentIndex(dialog.group.findText("Network Team"))
    dialog.reason.setPlainText("Tunnel config is theirs")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    assert shown.detail.fields["group"].text() == "Network Team"
    assert "Escalated to Network Team: Tunnel config is theirs" in shown.detail.timeline.toPlainText()


def test_publish_and_keep_a_workaround_from_the_window(
    qtbot: QtBot, shown: MainWindow, context: AppContext, incident: IncidentDetail
) -> None:
    shown.actions_by_id["workaround"].trigger()
    dialog = shown.workaround_dialog
    dialog.text.setPlainText("Use the web portal")
    dialog.keep.setChecked(True)
    dialog.publish_button.click()

    saved = context.incidents.get(incident.id)
    assert saved.workaround == "Use the web portal"
    assert saved.notes[-1].visibility == "visible"
    assert [k.symptom for k in context.workflow.knowledge.search("vpn drops")] == ["VPN drops"]


def test_the_new_incident_form_suggests_similar_incidents_and_known_errors(
    qtbot: QtBot, main_window: MainWindow, context: AppContext, incident: IncidentDetail
) -> None:
    context.workflow.worklog.set_workaround(incident.id, "Use the web portal")
    context.workflow.knowledge.save(symptom="VPN drops after the update", workaround="Roll the client back")
    dialog = main_window.open_new_incident()
    hints = dialog.similar_hints
    dialog.description.setPlainText("printer")
    hints.refresh_now()
    assert not hints.isVisible(), "one word is not enough to look"

    dialog.description.setPlainText("The VPN drops all the time")
    hints.refresh_now()

    assert hints.isVisible()
    assert f"{incident.display_number} VPN drops (new) — workaround: Use the web portal" in hints.text()
    assert "Known error:</b> VPN drops after the update → Roll the client back" in hints.text()
    dialog.description.clear()  # nothing typed: closes without asking
    dialog.done(0)


def test_attachments_join_the_timeline(
    qtbot: QtBot, shown: MainWindow, context: AppContext, incident: IncidentDetail, tmp_path
) -> None:
    log = tmp_path / "vpn-client.log"
    log.write_text("IKE timeout\n" * 20)
    context.attachments.add(incident.id, log, "vpn-client.log")
    shown.show_detail(context.incidents.get(incident.id))

    assert "Attached vpn-client.log" in shown.detail.timeline.toPlainText()
    shown.detail.timeline.set_only(TimelineKind.ATTACHMENT)
    assert "Logged as" not in shown.detail.timeline.toPlainText()
