"""Known errors / knowledge entries saved from a published workaround (issue 7)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.models.base import Base, UuidPrimaryKey


class KnowledgeEntry(UuidPrimaryKey, Base):
    """A symptom and its workaround for a category: suggested by later searches and the new-incident form."""

    __tablename__ = "knowledge_entries"
    __table_args__ = (Index("ix_knowledge_entries_category", "category_id"),)

    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    symptom: Mapped[str] = mapped_column(Text)
    workaround: Mapped[str] = mapped_column(Text)
    source_incident_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
