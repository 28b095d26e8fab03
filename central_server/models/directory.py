"""The directory every user shares: reporters (callers) and the category tree."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from central_server.models.base import Base


class Reporter(Base):
    __tablename__ = "reporters"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    # Lower-cased e-mail: the same address created twice (two clients, offline) is one reporter.
    email_key: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(120))
    location: Mapped[str | None] = mapped_column(String(120))
    is_vip: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Category(Base):
    """A node of the tree; ``path`` is the full "Network > VPN" name, unique without regard to case."""

    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(500))
    path_key: Mapped[str] = mapped_column(String(500), unique=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    # Deactivated by an admin: kept (incidents still name it), no longer offered for new incidents.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime]


class IdAlias(Base):
    """A client's id for a directory entry the server already had (same e-mail, same path): later
    mutations naming the client's id are read as the existing one."""

    __tablename__ = "id_aliases"

    alias_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    canonical_id: Mapped[uuid.UUID]
