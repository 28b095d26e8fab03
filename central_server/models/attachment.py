"""Attachments: rows on incidents naming content-addressed blobs, the blobs the server holds, uploads under way.

An attachment row may arrive before its bytes (``bytes_ready`` False): the ``attach_file`` mutation is
never refused only because the upload is late (PROTOCOL.md "Attachments").
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from central_server.models.base import Base


class Attachment(Base):
    """Append-only like notes; removal is a tombstone (``removed_at``); the blob may be shared."""

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_incident_created", "incident_id", "created_at"),
        Index("ix_attachments_sha256", "sha256"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    caption: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The server holds the bytes and the creator proved they had them (uploaded them once): only then
    # does this row let others download the blob (a hash alone must never be a key to someone's file).
    bytes_ready: Mapped[bool] = mapped_column(default=False)


class Blob(Base):
    """Bytes the server holds, verified against their sha256; stored once however many rows name them."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class BlobHolder(Base):
    """A user who uploaded (and so had) these bytes: their attachments of it are trusted."""

    __tablename__ = "blob_holders"

    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class BlobUpload(Base):
    """A resumable upload: one per user and blob; the bytes so far are the storage's part file."""

    __tablename__ = "blob_uploads"
    __table_args__ = (UniqueConstraint("user_id", "sha256"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
