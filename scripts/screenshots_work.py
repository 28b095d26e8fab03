"""Screenshots of working an incident: the detail timeline, the escalation and closure dialogs, similar.

Run under a real X server:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/screenshots_work.py OUT_DIR DATA_DIR``
DATA_DIR is created (an empty directory or a new path): the script logs and works its own incidents.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.domain.dtos import IncidentDraft, ReporterDraft
from desktop_app.domain.enums import HoldReason, NoteKind, Status
from desktop_app.domain.escalation import EscalationKind
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import SyncTaskRunner


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def work_an_incident(context) -> object:
    directory, incidents, work = context.directory, context.incidents, context.workflow
    directory.add_agent("Nadia Nowak", "nnowak", "nadia@it.example.org", groups=("Network Team",))
    network = directory.find_group("Network Team")
    vpn = context.categories.create("Network > VPN").value
    reporter = ReporterDraft(name="Alan Turing", email="alan@example.org", phone="+44 20 7946 0001")
    older = incidents.create(
        IncidentDraft(
            description="VPN tunnel drops every hour, error 809", title="VPN drops hourly", category_id=vpn.id
        )
    ).value
    work.worklog.set_workaround(older.id, "Connect through the web VPN portal until the client is updated")
    incidents.create(IncidentDraft(description="VPN disconnects on the train", title="VPN drops on mobile data"))
    detail = incidents.create(
        IncidentDraft(
            description="The VPN drops every few minutes since this morning's update; error 809 in the client log",
            title="VPN drops every few minutes",
            new_reporter=reporter,
            category_id=vpn.id,
            impact=2,
            urgency=1,
        )
    ).value
    work.escalations.take(detail.id)
    work.worklog.add_entry(
        detail.id, "Called the user: drops started after the 6.2 client update", time_spent_minutes=10
    )
    work.worklog.add_entry(
        detail.id,
        "Client log shows IKE timeouts every 4 minutes",
        kind=NoteKind.INVESTIGATION,
        time_spent_minutes=25,
    )
    incidents.change_status(detail.id, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)
    incidents.change_status(detail.id, Status.IN_PROGRESS)
    work.worklog.publish_workaround(detail.id, "Use the web VPN portal (vpn.example.org) until the fix")
    log = Path(context.paths.data_dir) / "vpn-client.log"
    log.write_text("IKE SA timed out; retrying\n" * 40, encoding="utf-8")
    context.attachments.add(detail.id, log, "vpn-client.log", caption="Client log from the user's laptop")
    work.escalations.escalate(
        detail.id,
        EscalationKind.FUNCTIONAL,
        "IKE timeouts point at the concentrator: network team owns it",
        group_id=network.id,
        assignee_id=None,
    )
    return incidents.get(detail.id)


def main() -> int:
    out_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    context = open_context(data_dir)
    detail = work_an_incident(context)
    window = MainWindow(context, SyncTaskRunner(), ChangeBus())
    window.resize(1500, 980)
    window.show()
    settle(app)
    window.queue_model.reload()
    settle(app)
    window.queue.select_incident(detail.id)
    settle(app, 600)
    window.grab().save(str(out_dir / "work_detail_timeline.png"))
    window.detail.grab().save(str(out_dir / "work_detail_pane.png"))

    window.actions_by_id["escalate"].trigger()
    settle(app)
    dialog = window.escalation_dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData(EscalationKind.HIERARCHICAL))
    dialog.agent.setCurrentIndex(dialog.agent.findText("Nadia Nowak (nnowak)"))
    dialog.reason.setPlainText("Concentrator firmware needs a change window: please approve")
    settle(app)
    dialog.grab().save(str(out_dir / "work_escalation_dialog.png"))
    dialog.reject()

    context.incidents.change_status(
        detail.id, Status.RESOLVED, resolution_code="software_change", resolution_steps="Rolled the client back to 6.1"
    )
    window.queue.select_incident(detail.id)
    window.show_detail(context.incidents.get(detail.id))
    settle(app)
    window.actions_by_id["close_incident"].trigger()
    settle(app)
    status = window.status_dialog
    status.root_cause.setText("Client 6.2 shortened the IKE keep-alive")
    settle(app)
    status.grab().save(str(out_dir / "work_closure_dialog.png"))
    status.reject()

    form = window.open_new_incident()
    settle(app)
    form.description.setPlainText("VPN keeps dropping with error 809 since the update")
    form.similar_hints.refresh_now()
    settle(app)
    form.grab().save(str(out_dir / "work_new_incident_hints.png"))
    form.description.clear()
    form.done(0)

    window.actions_by_id["similar"].trigger()
    settle(app)
    window.similar_dialog.grab().save(str(out_dir / "work_similar_dialog.png"))
    window.similar_dialog.reject()
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
