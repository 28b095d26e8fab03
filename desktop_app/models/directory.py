"""The people a help desk knows: reporters (callers), agents (staff) and their groups."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.models.base import Base, UuidPrimaryKey

group_members = Table(
    "group_members",
    Base.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
)


class Reporter(UuidPrimaryKey, Base):
    """A person who reports incidents: the contact directory."""

    __tablename__ = "reporters"

    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased copy for prefix lookups through an index (SQLite's lower() is ASCII-only).
    name_key: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_digits: Mapped[str | None] = mapped_column(String(40), index=True)
    department: Mapped[str | None] = mapped_column(String(120))
    location: Mapped[str | None] = mapped_column(String(120))
    is_vip: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Group(UuidPrimaryKey, Base):
    """An assignment group (service desk, network team, field services...)."""

    __tablename__ = "groups"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]

    members: Mapped[list[Agent]] = relationship(secondary=group_members, back_populates="groups")


class Agent(UuidPrimaryKey, Base):
    """A member of IT staff; one of them is the local user of this client."""

    __tablename__ = "agents"

    name: Mapped[str] = mapped_column(String(120))
    username: Mapped[str] = mapped_column(String(120), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    groups: Mapped[list[Group]] = relationship(secondary=group_members, back_populates="members")


class Category(UuidPrimaryKey, Base):
    """A node of the category tree; ``path`` is the full "Network > Connectivity" name."""

    __tablename__ = "categories"
    __table_args__ = (Index("ix_categories_parent_name", "parent_id", "name", unique=True),)

    name: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(500), unique=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    depth: Mapped[int] = mapped_column(default=0)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
