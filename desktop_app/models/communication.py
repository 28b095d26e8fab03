"""Canned responses (local configuration of this client) and the messages sent to reporters (issue 7)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class ResponseTemplate(UuidPrimaryKey, Base):
    """A canned response; ``category_id`` NULL offers it for every incident, else only for that category."""

    __tablename__ = "response_templates"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]


class OutgoingMessage(UuidPrimaryKey, Base):
    """One message to a reporter and how far its delivery got; its text is also a communication note.

    ``route``: ``smtp`` (this client's SMTP server), ``server`` (the sync server sends it) or ``mailto``
    (handed to the user's mail client). ``state``: queued, sent, failed (``last_error`` says why) or
    mail_client."""

    __tablename__ = "outgoing_messages"
    __table_args__ = (
        Index("ix_outgoing_messages_state", "state"),
        Index("ix_outgoing_messages_incident", "incident_id", "created_at"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    note_id: Mapped[uuid.UUID | None]
    route: Mapped[str] = mapped_column(String(10))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    template_name: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
