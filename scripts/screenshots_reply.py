"""Screenshots of replying to a reporter: the reply dialog with a canned response previewed (with and
without a missing value), and the canned-response editor.

Run under a real X server:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/screenshots_reply.py OUT_DIR DATA_DIR``
DATA_DIR is created (an empty directory or a new path): the script logs its own incident.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.domain.dtos import IncidentDraft, ReporterDraft
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import SyncTaskRunner


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def main() -> int:
    out_dir, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    # No mail client under Xvfb: the mailto: hand-over is recorded, not opened.
    QDesktopServices.openUrl = lambda url: print("mail client:", QUrl(url).toString()[:80]) or True  # type: ignore[method-assign]
    context = open_context(data_dir)
    context.directory.rename_me("Grace Hopper")
    vpn = context.categories.create("Network > VPN").value
    detail = context.incidents.create(
        IncidentDraft(
            description="The VPN drops every few minutes since this morning's update; error 809 in the client log",
            title="VPN drops every few minutes",
            new_reporter=ReporterDraft(name="Alan Turing", email="alan.turing@example.org"),
            category_id=vpn.id,
            impact=2,
            urgency=1,
        )
    ).value
    window = MainWindow(context, SyncTaskRunner(), ChangeBus())
    window.resize(1500, 980)
    window.show()
    settle(app)
    window.queue_model.reload()
    settle(app)
    window.queue.select_incident(detail.id)
    settle(app, 500)

    window.actions_by_id["reply"].trigger()
    settle(app)
    dialog = window.reply_dialog
    dialog.choose_template("acknowledgement")
    settle(app)
    dialog.send_button.click()  # logged, handed to the (stand-in) mail client
    settle(app)

    window.actions_by_id["reply"].trigger()
    settle(app)
    dialog = window.reply_dialog
    dialog.choose_template("workaround")
    settle(app)
    dialog.grab().save(str(out_dir / "reply_dialog_missing_value.png"))
    context.workflow.worklog.set_workaround(detail.id, "Connect through the web VPN portal (vpn.example.org).")
    dialog.reject()
    window.show_detail(context.incidents.get(detail.id))
    window.actions_by_id["reply"].trigger()
    settle(app)
    dialog = window.reply_dialog
    dialog.choose_template("workaround")
    settle(app)
    dialog.grab().save(str(out_dir / "reply_dialog_preview.png"))
    dialog.reject()

    window.actions_by_id["canned_responses"].trigger()
    settle(app)
    window.template_editor.grab().save(str(out_dir / "reply_template_editor.png"))
    window.template_editor.reject()
    window.close()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
