"""Replies to reporters: canned responses rendered for an incident, sent and logged (issue 7).

Every message is a visible communication note (append-only, syncs like any note, never conflicts) plus
an ``outgoing_messages`` row saying how far delivery got. Where it goes:

- the client syncs with a server: a ``send_message`` mutation carries note and message; the server
  sends it with its own SMTP settings (offline, it waits in the outbox until the next sync);
- else this client's SMTP server, if one is configured: queued here, ``deliver_pending`` sends it and
  keeps it queued (with the reason) while the server cannot be reached;
- else the user's mail client opens on a ``mailto:`` URL and the message is logged as handed over.

Templates are local configuration of this client (like the SLA settings): each desk words its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_app.domain.canned_responses import Rendered, first_name, format_due, render
from desktop_app.domain.dtos import ChangeSet
from desktop_app.domain.enums import NoteKind
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.ids import format_number
from desktop_app.domain.limits import clean_text
from desktop_app.domain.messages import DeliveryState, MessageView, ReplyContext, Route, TemplateView, mailto_url
from desktop_app.models import Agent, Category, Incident, OutgoingMessage, Reporter, ResponseTemplate, SyncState
from desktop_app.services.incident_service import _incident, _writable
from desktop_app.services.note_writer import add_note
from desktop_app.services.sla_service import SlaService
from desktop_app.services.transaction import ServiceBase, ServiceEnv, local_agent_id
from sync_protocol.smtp_delivery import OutgoingMail, SmtpConfig, deliver

SUBJECT_MAX = 300
BODY_MAX = 20_000
# The SMTP server in use and its password, or None: asked at each send (the settings can change).
SmtpProvider = Callable[[], tuple[SmtpConfig, str | None] | None]


@dataclass(frozen=True)
class ReplyDraft:
    incident_id: uuid.UUID
    to: str | None
    subject: Rendered
    body: Rendered

    @property
    def warnings(self) -> list[str]:
        lines = [] if self.to else ["The reporter has no email address: type one in To."]
        return lines + list(self.subject.warnings + self.body.warnings)


@dataclass(frozen=True)
class SentReply:
    message: MessageView
    mailto: str | None  # set for the mail-client route: the view opens it
    changes: ChangeSet


class CommunicationService(ServiceBase):
    def __init__(self, env: ServiceEnv, sla: SlaService, smtp: SmtpProvider) -> None:
        super().__init__(env)
        self._sla = sla
        self._smtp = smtp

    # --- templates -------------------------------------------------------------------------------

    def templates(self, incident_id: uuid.UUID | None = None) -> list[TemplateView]:
        """All templates, or those offered for an incident: its category's and the unscoped ones."""
        with self._read() as session:
            rows = session.scalars(select(ResponseTemplate).order_by(ResponseTemplate.name)).all()
            views = [_template_view(session, row) for row in rows]
            if incident_id is None:
                return views
            category_id = _incident(session, incident_id).category_id
            category = session.get(Category, category_id) if category_id else None
            return [view for view in views if _in_scope(view, category.path if category else None)]

    def template(self, name: str) -> TemplateView:
        with self._read() as session:
            return _template_view(session, _template_by_name(session, name))

    def save_template(
        self,
        name: str,
        subject: str,
        body: str,
        category_id: uuid.UUID | None = None,
        template_id: uuid.UUID | None = None,
    ) -> TemplateView:
        clean_name = clean_text(name, field="name", label="The name", max_len=80, required=True) or ""
        clean_subject = clean_text(subject, field="subject", label="The subject", max_len=SUBJECT_MAX, required=True)
        clean_body = clean_text(body, field="body", label="The text", max_len=BODY_MAX, required=True)
        with self._write() as scope:
            session = scope.session
            clash = session.scalar(select(ResponseTemplate).where(ResponseTemplate.name == clean_name))
            if clash is not None and clash.id != template_id:
                raise ValidationError(f"A template named {clean_name!r} exists already.", field="name")
            if category_id is not None and session.get(Category, category_id) is None:
                raise ValidationError("That category no longer exists.", field="category")
            row = session.get(ResponseTemplate, template_id) if template_id else None
            if row is None:
                row = ResponseTemplate(id=template_id or scope.env.ids())
                session.add(row)
            row.name, row.subject, row.body = clean_name, clean_subject or "", clean_body or ""
            row.category_id, row.updated_at = category_id, scope.now
            session.flush()
            return _template_view(session, row)

    def delete_template(self, template_id: uuid.UUID) -> None:
        with self._write() as scope:
            row = scope.session.get(ResponseTemplate, template_id)
            if row is not None:
                scope.session.delete(row)

    # --- drafting and sending --------------------------------------------------------------------

    def reply_context(self, incident_id: uuid.UUID) -> ReplyContext:
        templates = self.templates(incident_id)
        messages = self.messages(incident_id)
        with self._read() as session:
            incident = _incident(session, incident_id)
            values = self._values(session, incident)
            route = self._route(session)
            return ReplyContext(_reporter_email(session, incident), values, templates, messages, route)

    def _route(self, session: Session) -> Route:
        sync = session.get(SyncState, 1)
        if sync is not None and sync.server_url:
            return Route.SERVER
        return Route.SMTP if self._smtp() is not None else Route.MAILTO

    def draft(self, incident_id: uuid.UUID, subject: str, body: str, *, template_name: str | None = None) -> ReplyDraft:
        """Render a subject and text (or the named template) for an incident: the live preview."""
        with self._read() as session:
            if template_name is not None:
                row = _template_by_name(session, template_name)
                subject, body = row.subject, row.body
            incident = _incident(session, incident_id)
            values = self._values(session, incident)
            to = _reporter_email(session, incident)
        return ReplyDraft(incident_id, to, render(subject, values), render(body, values))

    def send(
        self,
        incident_id: uuid.UUID,
        subject: str,
        body: str,
        *,
        to: str | None = None,
        template_name: str | None = None,
    ) -> SentReply:
        """Log the message (communication note + outgoing message) and route it (see the module doc)."""
        clean_subject = clean_text(subject, field="subject", label="The subject", max_len=SUBJECT_MAX, required=True)
        clean_body = clean_text(body, field="body", label="The message", max_len=BODY_MAX, required=True)
        with self._write() as scope:
            session = scope.session
            incident = _writable(session, incident_id)
            address = (to or "").strip() or _reporter_email(session, incident)
            if not address or "@" not in address:
                raise ValidationError("Give an email address to send the message to.", field="to")
            route = self._route(session)
            message_id = scope.env.ids()
            note = add_note(
                scope,
                incident,
                NoteKind.COMMUNICATION,
                f"Message to {address}: {clean_subject}\n\n{clean_body}",
                visibility="visible",
                details={"message_id": str(message_id), "to": address, "template": template_name},
                # The server route: send_message carries the note, so the server writes it and sends once.
                enqueue=route is not Route.SERVER,
            )
            row = OutgoingMessage(
                id=message_id,
                incident_id=incident.id,
                note_id=note.id,
                route=route.value,
                to_address=address,
                subject=clean_subject or "",
                body=clean_body or "",
                template_name=template_name,
                state=(DeliveryState.MAIL_CLIENT if route is Route.MAILTO else DeliveryState.QUEUED).value,
                attempts=0,
                created_at=scope.now,
            )
            session.add(row)
            if route is Route.SERVER:
                payload = {
                    "note_id": note.id,
                    "message_id": message_id,
                    "to": address,
                    "subject": row.subject,
                    "body": row.body,
                    "template_name": template_name,
                }
                scope.enqueue("send_message", incident.id, payload)
            scope.changed("message", message_id, "created")
            session.flush()
            mailto = mailto_url(address, row.subject, row.body) if route is Route.MAILTO else None
            return SentReply(_message_view(row), mailto, scope.change_set())

    def messages(self, incident_id: uuid.UUID) -> list[MessageView]:
        """The incident's communication log, newest first."""
        with self._read() as session:
            rows = session.scalars(
                select(OutgoingMessage)
                .where(OutgoingMessage.incident_id == incident_id)
                .order_by(OutgoingMessage.created_at.desc(), OutgoingMessage.id.desc())
            ).all()
            return [_message_view(row) for row in rows]

    def deliver_pending(self) -> list[MessageView]:
        """Send every queued SMTP-route message; one that cannot go now stays queued with the reason.

        The network call runs outside any transaction, so a slow SMTP server never holds the database."""
        account = self._smtp()
        if account is None:
            return []
        config, password = account
        with self._read() as session:
            queued = session.execute(
                select(OutgoingMessage.id, OutgoingMessage.attempts)
                .where(OutgoingMessage.state == DeliveryState.QUEUED.value, OutgoingMessage.route == Route.SMTP.value)
                .order_by(OutgoingMessage.created_at)
            ).all()
        results: list[MessageView] = []
        for message_id, attempts in queued:
            mail = self._claim(message_id, attempts)
            if mail is None:
                continue  # the app and the CLI both sending: the other one took it
            outcome = deliver(config, mail, password)
            with self._write() as scope:
                row = scope.session.get(OutgoingMessage, message_id)
                if row is None:
                    continue
                if outcome.sent:
                    row.state, row.sent_at, row.last_error = DeliveryState.SENT.value, scope.now, None
                else:
                    row.last_error = outcome.error
                    row.state = (DeliveryState.QUEUED if outcome.retryable else DeliveryState.FAILED).value
                scope.changed("message", row.id)
                scope.changed("incident", row.incident_id)
                results.append(_message_view(row))
        return results

    def _claim(self, message_id: uuid.UUID, attempts: int) -> OutgoingMail | None:
        """Count the attempt before sending, only if nobody else did meanwhile (compare and set): one sender
        per attempt. A crash after sending but before recording sends it again later (at least once)."""
        with self._write() as scope:
            claimed = scope.session.execute(
                update(OutgoingMessage)
                .where(
                    OutgoingMessage.id == message_id,
                    OutgoingMessage.attempts == attempts,
                    OutgoingMessage.state == DeliveryState.QUEUED.value,
                )
                .values(attempts=attempts + 1)
            ).rowcount
            if claimed != 1:
                return None
            row = scope.session.get(OutgoingMessage, message_id)
            assert row is not None
            return OutgoingMail(row.to_address, row.subject, row.body, str(row.id))

    # --- placeholder values ----------------------------------------------------------------------

    def _values(self, session: Session, incident: Incident) -> dict[str, str | None]:
        reporter = session.get(Reporter, incident.reporter_id) if incident.reporter_id else None
        reporter_name = incident.reporter_name or (reporter.name if reporter else None)
        agent_id = local_agent_id(session)
        agent = session.get(Agent, agent_id) if agent_id else None
        category = session.get(Category, incident.category_id) if incident.category_id else None
        return {
            "reporter.first_name": first_name(reporter_name),
            "reporter.name": reporter_name,
            "reporter.email": _reporter_email(session, incident),
            "incident.number": format_number(incident.number) if incident.number is not None else None,
            "incident.title": incident.title,
            "incident.status": incident.status.replace("_", " ").capitalize(),
            "incident.priority": incident.priority,
            "incident.category": category.path if category else None,
            "workaround": incident.workaround,
            "resolution": incident.resolution_steps,
            "agent.name": agent.name if agent else None,
            "agent.email": agent.email if agent else None,
            "sla.resolve_by": self._resolve_by(incident.id),
        }

    def _resolve_by(self, incident_id: uuid.UUID) -> str | None:
        clock = self._sla.status(incident_id).resolution
        # In this computer's time zone: the agent's (and, at a desk, the reporter's) local time.
        return format_due(clock.due_at.astimezone()) if clock.state.is_open and clock.due_at else None


def _template_by_name(session: Session, name: str) -> ResponseTemplate:
    row = session.scalar(select(ResponseTemplate).where(ResponseTemplate.name == name.strip()))
    if row is None:
        names = ", ".join(session.scalars(select(ResponseTemplate.name).order_by(ResponseTemplate.name)))
        raise NotFoundError(f"There is no template {name!r} (there are: {names or 'none'}).")
    return row


def _template_view(session: Session, row: ResponseTemplate) -> TemplateView:
    category = session.get(Category, row.category_id) if row.category_id else None
    return TemplateView(row.id, row.name, row.subject, row.body, row.category_id, category.path if category else None)


def _in_scope(template: TemplateView, incident_category: str | None) -> bool:
    """Unscoped templates fit every incident; a scoped one its category and the categories beneath it."""
    if template.category_path is None:
        return True
    if incident_category is None:
        return False
    return incident_category == template.category_path or incident_category.startswith(template.category_path + " >")


def _reporter_email(session: Session, incident: Incident) -> str | None:
    if incident.reporter_email:
        return incident.reporter_email
    reporter = session.get(Reporter, incident.reporter_id) if incident.reporter_id else None
    return reporter.email if reporter else None


def _message_view(row: OutgoingMessage) -> MessageView:
    return MessageView(
        id=row.id,
        incident_id=row.incident_id,
        route=Route(row.route),
        to=row.to_address,
        subject=row.subject,
        body=row.body,
        template_name=row.template_name,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )
