"""What email import remembers: which Message-ID became which incident or note, and what it refused."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class MailMessage(UuidPrimaryKey, Base):
    """One imported message. The unique Message-ID makes a second import a no-op and threads replies."""

    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_incident", "incident_id"),)

    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    # NULL when the message opened the incident; the note's id when it was threaded onto one.
    note_id: Mapped[uuid.UUID | None]
    raw_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime]


class QuarantinedMail(UuidPrimaryKey, Base):
    """A message the import refused, kept aside (``stored_path``, under the data directory) with why."""

    __tablename__ = "mail_quarantine"
    __table_args__ = (
        Index("ix_mail_quarantine_created", "created_at"),
        Index("ix_mail_quarantine_sha256", "sha256", unique=True),
    )

    # The same bad file dropped again updates its entry instead of piling up copies.
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(1000))
    reason: Mapped[str] = mapped_column(String(1000))
    size: Mapped[int]
    attempts: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime]
