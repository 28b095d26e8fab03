"""First run of a client: its identity, its local agent, and a starter category tree and groups."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.domain.dtos import Result
from desktop_app.models import Category, DeviceState, Group
from desktop_app.services.category_service import DEFAULT_TREE, ensure_path
from desktop_app.services.directory_service import DEFAULT_GROUPS, add_group, ensure_device
from desktop_app.services.numbering import is_connected
from desktop_app.services.transaction import ServiceBase


@dataclass(frozen=True)
class InitReport:
    created_device: bool
    local_agent: str
    categories_added: int
    groups_added: int


def os_user() -> tuple[str, str]:
    """(display name, username) of the person logged in to this computer."""
    try:
        username = getpass.getuser()
    except (KeyError, OSError):
        username = os.environ.get("USER") or "agent"
    try:
        import pwd

        gecos = pwd.getpwnam(username).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        gecos = ""
    return (gecos or username), username


class BootstrapService(ServiceBase):
    def needs_initialise(self) -> bool:
        """A read-only check, so an everyday start-up does not pay for a write transaction."""
        with self._read() as session:
            has_device = session.get(DeviceState, 1) is not None
            if is_connected(session):
                return not has_device  # a connected client's directory is the server's
            has_categories = session.scalar(select(Category.id).limit(1)) is not None
            has_groups = session.scalar(select(Group.id).limit(1)) is not None
        return not (has_device and has_categories and has_groups)

    def initialise(self) -> Result[InitReport]:
        """Idempotent: only what is missing is added."""
        name, username = os_user()
        with self._write() as scope:
            state, created = ensure_device(scope, name, username)
            categories = groups = 0
            # Starter categories and groups are for a standalone client; a connected one uses the server's.
            connected = is_connected(scope.session)
            if not connected and not scope.session.scalar(select(Category.id).limit(1)):
                for parent, children in DEFAULT_TREE.items():
                    for child in children:
                        ensure_path(scope, f"{parent} > {child}")
                # Only the category changes: ensure_device may already have recorded the new agent.
                categories = sum(1 for change in scope.changes if change.entity == "category")
            if not connected and not scope.session.scalar(select(Group.id).limit(1)):
                for group_name, description in DEFAULT_GROUPS.items():
                    add_group(scope, group_name, description)
                    groups += 1
            if created:
                from desktop_app.models import Agent

                me = scope.session.get(Agent, state.local_agent_id)
                service_desk = scope.session.scalar(select(Group).where(Group.name == "Service Desk"))
                if me is not None and service_desk is not None:
                    service_desk.members.append(me)
            agent_name = name if created else ""
            report = InitReport(created, agent_name, categories, groups)
            return Result(report, scope.change_set())
