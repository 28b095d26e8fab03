"""Messages to reporters: where each goes, how far its delivery got, and the ``mailto:`` form of one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote


class Route(StrEnum):
    SMTP = "smtp"  # this client's SMTP server
    SERVER = "server"  # the sync server sends it with its own SMTP settings
    MAILTO = "mailto"  # handed to the user's mail client


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    MAIL_CLIENT = "mail_client"

    @property
    def label(self) -> str:
        return {
            DeliveryState.QUEUED: "Queued",
            DeliveryState.SENT: "Sent",
            DeliveryState.FAILED: "Failed",
            DeliveryState.MAIL_CLIENT: "Opened in mail client",
        }[self]


@dataclass(frozen=True)
class TemplateView:
    id: uuid.UUID
    name: str
    subject: str
    body: str
    category_id: uuid.UUID | None
    category_path: str | None  # None: offered for every incident


@dataclass(frozen=True)
class MessageView:
    id: uuid.UUID
    incident_id: uuid.UUID
    route: Route
    to: str
    subject: str
    body: str
    template_name: str | None
    state: DeliveryState
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @property
    def state_text(self) -> str:
        """What the communication log shows: the state, where it goes, and why it failed or waits."""
        where = {Route.SMTP: "by SMTP", Route.SERVER: "by the server", Route.MAILTO: ""}[self.route]
        text = f"{self.state.label} {where}".strip()
        if self.state is DeliveryState.QUEUED and self.route is Route.SERVER and self.attempts == 0:
            text += " (sent after the next sync)"
        if self.last_error and self.state is not DeliveryState.SENT:
            text += f" \u2014 {self.last_error}"
            if self.state is DeliveryState.QUEUED:
                text += f" (attempt {self.attempts}; retried)"
        return text


@dataclass(frozen=True)
class ReplyContext:
    """What the reply dialog needs, read at once: it then renders every keystroke without the database."""

    to: str | None
    values: dict[str, str | None]
    templates: list[TemplateView]
    messages: list[MessageView]
    route: Route  # where a message sent now would go


def mailto_url(to: str, subject: str, body: str) -> str:
    """An RFC 6068 ``mailto:`` URL: every reserved character percent-encoded, line breaks as CRLF."""
    crlf = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(crlf, safe='')}"
