"""A reply on a connected client: sent through the server; refused by it (the message fails with the reason,
the note goes); the server's delivery state pulled into the log, also for another client's message."""

from __future__ import annotations

import uuid

from desktop_app.context import AppContext
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.messages import DeliveryState, Route
from tests.support.builders import reporter_draft
from tests.sync.conftest import answer, change, pull


def _reported(context: AppContext, make_incident):
    return make_incident(title="Printer jams", new_reporter=reporter_draft("Ada Lovelace", email="ada@example.org"))


def test_a_refused_message_fails_with_the_reason_and_its_note_goes(connected: AppContext, make_incident):
    incident = _reported(connected, make_incident)
    answer(connected)
    sent = connected.communication.send(incident.id, "Update", "We are on it.")
    assert sent.message.route is Route.SERVER
    reason = "INC-000100 is closed: it is read-only until reopened."
    answer(connected, outcome="rejected", code="validation_error", reason=reason)
    [message] = connected.communication.messages(incident.id)
    assert message.state is DeliveryState.FAILED
    assert message.last_error == reason
    assert "Failed by the server" in message.state_text
    kinds = [n.kind for n in connected.incidents.get(incident.id).notes]
    assert NoteKind.COMMUNICATION not in kinds


def test_pulled_delivery_states_update_the_log_and_add_other_clients_messages(connected: AppContext, make_incident):
    incident = _reported(connected, make_incident)
    sent = connected.communication.send(incident.id, "Update", "We are on it.")
    answer(connected)
    wire = {
        "id": str(sent.message.id),
        "incident_id": str(incident.id),
        "note_id": str(uuid.uuid4()),
        "to_address": "ada@example.org",
        "subject": "Update",
        "body": "We are on it.",
        "state": "queued",
        "attempts": 2,
        "last_error": "Cannot reach the SMTP server smtp.example.org:587: refused",
        "created_at": "2026-03-02T09:00:00+00:00",
        "sent_at": None,
    }
    other = wire | {"id": str(uuid.uuid4()), "subject": "From Bob", "state": "sent", "attempts": 1, "last_error": None}
    assert pull(connected, change("message", wire), change("message", other)) == []
    by_subject = {m.subject: m for m in connected.communication.messages(incident.id)}
    assert by_subject["Update"].state is DeliveryState.QUEUED
    assert "attempt 2; retried" in by_subject["Update"].state_text
    assert by_subject["From Bob"].state is DeliveryState.SENT
    assert by_subject["From Bob"].route is Route.SERVER
    pull(connected, change("message", wire | {"state": "sent", "attempts": 3, "last_error": None}))
    assert connected.communication.messages(incident.id)[-1].state is DeliveryState.SENT
