"""Wiring the workflow into the main window: actions, the detail pane's work bar, dialogs, worker calls.

Every write runs on the DB worker; a refusal brings the dialog back with the rule's message.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMainWindow

from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import NoteKind, Status
from desktop_app.domain.timeline import attachment_entries
from desktop_app.views.work.work_bar import BUTTONS, enabled_work

STATUS_TARGETS = {"resolve": Status.RESOLVED, "close_incident": Status.CLOSED, "reopen": Status.IN_PROGRESS}


class WorkUi:
    def __init__(self, window: QMainWindow, context: Any) -> None:
        self.window = window
        self.context = context
        self.runner = window.runner
        actions = window.actions_by_id
        actions["take_it"].triggered.connect(self.take)
        actions["escalate"].triggered.connect(self.open_escalation)
        actions["workaround"].triggered.connect(self.open_workaround)
        actions["similar"].triggered.connect(self.open_similar)
        for key, target in STATUS_TARGETS.items():
            actions[key].triggered.connect(lambda _checked=False, target=target: self.open_status(target))
        window.detail.work_bar.triggered.connect(lambda key: actions[key].trigger())
        window.detail.incident_shown.connect(self.update_actions)
        self.update_actions(window.detail.detail)

    def _detail(self) -> IncidentDetail | None:
        return self.window.detail.detail

    def update_actions(self, detail: IncidentDetail | None) -> None:
        for key, enabled in enabled_work(detail).items():
            self.window.actions_by_id[key].setEnabled(enabled)
        if detail is not None:
            self._load_attachments(detail.id)

    def _load_attachments(self, incident_id: Any) -> None:
        """Issue 5's attachments in the timeline: added (and removed) files, loaded on the worker."""
        attachments = getattr(self.context, "attachments", None)
        if attachments is None:
            return

        def load() -> list:
            return [
                entry
                for info in attachments.list_for(incident_id, include_removed=True)
                for entry in attachment_entries(
                    info.id, info.display_name, info.caption, info.created_by_name, info.created_at, info.removed_at
                )
            ]

        self.runner.run_db(load, on_done=lambda entries: self.window.detail.timeline.set_extra(incident_id, entries))

    # --- take, status ---------------------------------------------------------------------

    def take(self) -> None:
        detail = self._detail()
        if detail is not None:
            self.runner.run_db(
                self.context.workflow.escalations.take,
                detail.id,
                on_done=self.window._apply_result,
                on_error=self.window._show_error,
            )

    def open_status(self, target: Status) -> None:
        from desktop_app.views.status_dialog import StatusDialog

        detail = self._detail()
        if detail is None:
            return
        dialog = StatusDialog(detail, self.window, target=target)
        self.window.status_dialog = dialog
        dialog.accepted.connect(lambda: self.window._change_status(dialog, detail))
        dialog.open()

    # --- escalation -----------------------------------------------------------------------

    def open_escalation(self) -> None:
        detail = self._detail()
        if detail is None:
            return
        directory, escalations = self.context.directory, self.context.workflow.escalations

        def load() -> tuple[list, list, str | None]:
            return directory.groups(), directory.agents(), escalations.my_role()

        self.runner.run_db(
            load, on_done=lambda found: self._show_escalation(detail, *found), on_error=self.window._show_error
        )

    def _show_escalation(self, detail: IncidentDetail, groups: list, agents: list, role: str | None) -> None:
        from desktop_app.views.work.escalation_dialog import EscalationDialog

        dialog = EscalationDialog(detail, groups, agents, role, self.window)
        self.window.escalation_dialog = dialog
        dialog.accepted.connect(lambda: self._escalate(dialog, detail))
        dialog.open()

    def _escalate(self, dialog: Any, detail: IncidentDetail) -> None:
        self.runner.run_db(
            lambda: self.context.workflow.escalations.escalate(
                detail.id,
                dialog.chosen_kind(),
                dialog.reason_text,
                group_id=dialog.group_id,
                assignee_id=dialog.assignee_id,
            ),
            on_done=self.window._apply_result,
            on_error=lambda exc: self.window._reopen_with_error(dialog, exc),
        )

    # --- workaround -----------------------------------------------------------------------

    def open_workaround(self) -> None:
        from desktop_app.views.work.workaround_dialog import WorkaroundDialog

        detail = self._detail()
        if detail is None:
            return
        dialog = WorkaroundDialog(detail, self.window)
        self.window.workaround_dialog = dialog
        dialog.accepted.connect(lambda: self._save_workaround(dialog, detail))
        dialog.open()

    def _save_workaround(self, dialog: Any, detail: IncidentDetail) -> None:
        workflow = self.context.workflow
        text, publish = dialog.workaround, dialog.publish
        symptom = dialog.symptom.text() if dialog.keep.isChecked() else None

        def save() -> Any:
            if publish:
                result = workflow.worklog.publish_workaround(detail.id, text)
            elif (text.strip() or None) != detail.workaround:
                result = workflow.worklog.set_workaround(detail.id, text)
            else:
                result = None
            if symptom is not None:
                workflow.knowledge.save(
                    symptom=symptom, workaround=text, category_id=detail.category_id, source_incident_id=detail.id
                )
            return result

        def done(result: Any) -> None:
            if result is not None:
                self.window._apply_result(result)
            if symptom is not None:
                self.window.statusBar().showMessage("Kept as a known error", 6000)

        self.runner.run_db(save, on_done=done, on_error=lambda exc: self.window._reopen_with_error(dialog, exc))

    # --- similar --------------------------------------------------------------------------

    def open_similar(self) -> None:
        detail = self._detail()
        if detail is None:
            return
        workflow = self.context.workflow

        def load() -> tuple[list, list]:
            similar = workflow.similar.similar_to(detail.id)
            known = workflow.knowledge.search(f"{detail.title} {detail.description}", category_id=detail.category_id)
            return similar, known

        self.runner.run_db(
            load, on_done=lambda found: self._show_similar(detail, *found), on_error=self.window._show_error
        )

    def _show_similar(self, detail: IncidentDetail, similar: list, known: list) -> None:
        from desktop_app.views.work.similar_dialog import SimilarDialog

        dialog = SimilarDialog(detail, similar, known, self.window)
        self.window.similar_dialog = dialog
        dialog.link_requested.connect(lambda other, duplicate: self._link(dialog, detail, other, duplicate))
        dialog.open_requested.connect(self.window._on_queue_open_requested)
        dialog.open()

    def _link(self, dialog: Any, detail: IncidentDetail, other: Any, duplicate: bool) -> None:
        def done(result: Any) -> None:
            dialog.accept()
            self.window._apply_result(result)
            self.window.statusBar().showMessage("Linked as a duplicate" if duplicate else "Linked", 6000)

        self.runner.run_db(
            lambda: self.context.workflow.similar.link(detail.id, other, duplicate=duplicate),
            on_done=done,
            on_error=lambda exc: dialog.error.show_message(str(exc)),
        )


def submit_worklog(window: QMainWindow, detail: IncidentDetail, body: str, kind: NoteKind) -> Any:
    """The note composer's write: a worklog entry with minutes and audience (a workaround note as before)."""
    minutes, visibility = window.detail.worklog_options.values()
    context = window.context
    if kind == NoteKind.WORKAROUND:
        return lambda: context.incidents.add_note(detail.id, body, kind)
    return lambda: context.workflow.worklog.add_entry(
        detail.id, body, kind=kind, time_spent_minutes=minutes, visibility=visibility
    )


def install_work_ui(window: QMainWindow, context: Any) -> WorkUi:
    work = WorkUi(window, context)
    window.work_ui = work
    return work


__all__ = ["BUTTONS", "WorkUi", "install_work_ui", "submit_worklog"]
