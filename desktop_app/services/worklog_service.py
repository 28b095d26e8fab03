"""Worklog and investigation notes with time spent and audience; the workaround and its publication.

Notes are append-only and never conflict (DESIGN §4): ``add_note`` carries the entry's minutes and
visibility. The workaround is an incident field (``update_fields``, merged per field like any other; its
history is the field's audit); publishing it also records a communication note, visible to the reporter.
"""

from __future__ import annotations

import uuid

from desktop_app.domain.dtos import IncidentDetail, Result
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.errors import ValidationError
from desktop_app.domain.limits import DESCRIPTION_MAX, NOTE_MAX, clean_text
from desktop_app.models import Incident
from desktop_app.services.incident_mapping import load_detail
from desktop_app.services.incident_service import _touch, _writable
from desktop_app.services.note_writer import add_note
from desktop_app.services.transaction import ServiceBase, WriteScope
from sync_protocol.workflow_rules import worklog_problem

WORKLOG_KINDS = (NoteKind.WORKLOG, NoteKind.INVESTIGATION, NoteKind.COMMUNICATION)


class WorklogService(ServiceBase):
    def add_entry(
        self,
        incident_id: uuid.UUID,
        body: str,
        *,
        kind: NoteKind = NoteKind.WORKLOG,
        time_spent_minutes: int | None = None,
        visibility: str = "internal",
    ) -> Result[IncidentDetail]:
        """A timestamped worklog or investigation entry: text, minutes spent, internal or visible to the reporter."""
        kind = NoteKind(kind)
        if kind not in WORKLOG_KINDS:
            raise ValidationError("A worklog entry is a worklog, investigation or communication note.", field="kind")
        text = clean_text(body, field="note", label="The entry", max_len=NOTE_MAX, required=True)
        problem = worklog_problem(time_spent_minutes, visibility)
        if problem is not None:
            raise ValidationError(problem.message, field=problem.field)
        with self._write() as scope:
            incident = _writable(scope.session, incident_id)
            add_note(scope, incident, kind, text or "", minutes=time_spent_minutes, visibility=visibility)
            return Result(load_detail(scope.session, incident), scope.change_set())

    def set_workaround(self, incident_id: uuid.UUID, workaround: str | None) -> Result[IncidentDetail]:
        """Record or clear the workaround; each version stays in the field's history (the audit)."""
        text = clean_text(workaround, field="workaround", label="The workaround", max_len=DESCRIPTION_MAX)
        with self._write() as scope:
            incident = _writable(scope.session, incident_id)
            if incident.workaround == text:
                raise ValidationError("The workaround is already that.", field="workaround")
            _set_workaround(scope, incident, text)
            return Result(load_detail(scope.session, incident), scope.change_set())

    def publish_workaround(self, incident_id: uuid.UUID, workaround: str | None = None) -> Result[IncidentDetail]:
        """Tell the reporter the workaround: saved on the incident (if new) and recorded as a visible
        communication note. Saving it as a knowledge entry is the caller's next, optional step."""
        given = clean_text(workaround, field="workaround", label="The workaround", max_len=DESCRIPTION_MAX)
        with self._write() as scope:
            incident = _writable(scope.session, incident_id)
            text = given or incident.workaround
            if not text:
                raise ValidationError("Write the workaround before publishing it.", field="workaround")
            if text != incident.workaround:
                _set_workaround(scope, incident, text)
            add_note(
                scope,
                incident,
                NoteKind.COMMUNICATION,
                f"Workaround sent to the reporter:\n{text}",
                visibility="visible",
            )
            return Result(load_detail(scope.session, incident), scope.change_set())


def _set_workaround(scope: WriteScope, incident: Incident, text: str | None) -> None:
    base = {"workaround": incident.workaround, "version": incident.version}
    mutation_id = scope.enqueue("update_fields", incident.id, {"workaround": text}, base)
    scope.audit(incident.id, "workaround", incident.workaround, text, mutation_id)
    incident.workaround = text
    _touch(scope, incident)
