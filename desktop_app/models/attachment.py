"""Attachment rows: which incident holds which content-addressed blob, under which name."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class Attachment(UuidPrimaryKey, Base):
    """Append-only like notes; removal is a tombstone (``removed_at``), the blob may be shared."""

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_incident_created", "incident_id", "created_at"),
        Index("ix_attachments_sha256", "sha256"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    caption: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[uuid.UUID | None]
