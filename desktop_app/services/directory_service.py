"""Assignment groups and agents, and who the local user of this client is."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.domain.dtos import AgentSummary, GroupSummary, Result
from desktop_app.domain.errors import NotFoundError, ValidationError
from desktop_app.domain.limits import EMAIL_MAX, NAME_MAX, REASON_MAX, clean_text
from desktop_app.models import Agent, DeviceState, Group
from desktop_app.services.transaction import ServiceBase, WriteScope, local_agent_id

DEFAULT_GROUPS = {
    "Service Desk": "First line: takes calls and e-mails",
    "Network Team": "Second line: network, Wi-Fi, VPN",
    "Field Services": "On-site technicians",
}


def to_group(group: Group) -> GroupSummary:
    return GroupSummary(id=group.id, name=group.name, description=group.description)


def to_agent(agent: Agent, me: uuid.UUID | None) -> AgentSummary:
    return AgentSummary(
        id=agent.id,
        name=agent.name,
        username=agent.username,
        email=agent.email,
        group_ids=tuple(g.id for g in agent.groups),
        is_self=agent.id == me,
    )


class DirectoryService(ServiceBase):
    def groups(self) -> list[GroupSummary]:
        with self._read() as session:
            return [to_group(g) for g in session.scalars(select(Group).order_by(Group.name))]

    def agents(self, group_id: uuid.UUID | None = None) -> list[AgentSummary]:
        with self._read() as session:
            stmt = select(Agent).where(Agent.is_active).options(selectinload(Agent.groups)).order_by(Agent.name)
            if group_id is not None:
                stmt = stmt.where(Agent.groups.any(Group.id == group_id))
            me = local_agent_id(session)
            return [to_agent(a, me) for a in session.scalars(stmt)]

    def search_groups(self, query: str, limit: int = 10) -> list[GroupSummary]:
        needle = query.casefold().strip()
        groups = self.groups()
        hits = [g for g in groups if needle in g.name.casefold()]
        return sorted(hits, key=lambda g: (not g.name.casefold().startswith(needle), g.name))[:limit]

    def search_agents(self, query: str, group_id: uuid.UUID | None = None, limit: int = 10) -> list[AgentSummary]:
        """Members of the group first when one is given, then everyone else who matches."""
        needle = query.casefold().strip()
        agents = self.agents()
        hits = [a for a in agents if needle in a.name.casefold() or needle in a.username.casefold()]

        def rank(agent: AgentSummary) -> tuple[int, int, str]:
            in_group = 0 if group_id is None or group_id in agent.group_ids else 1
            return (in_group, 0 if agent.name.casefold().startswith(needle) else 1, agent.name)

        return sorted(hits, key=rank)[:limit]

    def me(self) -> AgentSummary:
        with self._read() as session:
            me = local_agent_id(session)
            agent = session.get(Agent, me, options=[selectinload(Agent.groups)]) if me else None
            if agent is None:
                raise NotFoundError("This client has no local agent yet: run `helpdesk-cli init`.")
            return to_agent(agent, me)

    def find_group(self, name: str) -> GroupSummary:
        with self._read() as session:
            return to_group(group_by_name(session, name))

    def find_agent(self, name_or_username: str) -> AgentSummary:
        with self._read() as session:
            agent = agent_by_name(session, name_or_username)
            return to_agent(agent, local_agent_id(session))

    def add_group(self, name: str, description: str | None = None) -> Result[GroupSummary]:
        with self._write() as scope:
            group = add_group(scope, name, description)
            return Result(to_group(group), scope.change_set())

    def add_agent(
        self, name: str, username: str, email: str | None = None, groups: list[str] | tuple[str, ...] = ()
    ) -> Result[AgentSummary]:
        with self._write() as scope:
            agent = add_agent(scope, name, username, email)
            agent.groups = [group_by_name(scope.session, g) for g in groups]
            scope.session.flush()
            return Result(to_agent(agent, scope.actor_id), scope.change_set())

    def add_member(self, group_name: str, agent_name: str) -> Result[GroupSummary]:
        with self._write() as scope:
            group = group_by_name(scope.session, group_name)
            agent = agent_by_name(scope.session, agent_name)
            if agent not in group.members:
                group.members.append(agent)
                scope.enqueue("add_group_member", group.id, {"agent_id": agent.id})
                scope.changed("group", group.id)
            return Result(to_group(group), scope.change_set())

    def rename_me(self, name: str) -> Result[AgentSummary]:
        with self._write() as scope:
            agent = scope.session.get(Agent, scope.actor_id) if scope.actor_id else None
            if agent is None:
                raise NotFoundError("This client has no local agent yet: run `helpdesk-cli init`.")
            agent.name = clean_text(name, field="name", label="Your name", max_len=NAME_MAX, required=True) or ""
            scope.enqueue("update_agent", agent.id, {"name": agent.name})
            scope.changed("agent", agent.id)
            return Result(to_agent(agent, scope.actor_id), scope.change_set())


def group_by_name(session: Session, name: str) -> Group:
    folded = " ".join(name.split()).casefold()
    group = next((g for g in session.scalars(select(Group)) if g.name.casefold() == folded), None)
    if group is None:
        known = ", ".join(session.scalars(select(Group.name).order_by(Group.name))) or "none yet"
        raise NotFoundError(f"There is no group {name!r} (known groups: {known}).", field="group")
    return group


def agent_by_name(session: Session, name: str) -> Agent:
    folded = " ".join(name.split()).casefold()
    agents = [
        a
        for a in session.scalars(select(Agent).where(Agent.is_active))
        if folded in (a.username.casefold(), a.name.casefold())
    ]
    if not agents:
        raise NotFoundError(f"There is no agent {name!r}; add one with `helpdesk-cli agent add`.", field="assignee")
    if len(agents) > 1:
        raise ValidationError(f"Several agents are called {name!r}; use the username.", field="assignee")
    return agents[0]


def add_group(scope: WriteScope, name: str, description: str | None) -> Group:
    clean = clean_text(name, field="group", label="The group name", max_len=NAME_MAX, required=True) or ""
    # Case-insensitive, as group_by_name looks groups up: "service desk" would make that ambiguous.
    if any(existing.casefold() == clean.casefold() for existing in scope.session.scalars(select(Group.name))):
        raise ValidationError(f"A group called {clean!r} already exists.", field="group")
    group = Group(
        id=scope.env.ids(),
        name=clean,
        description=clean_text(description, field="description", label="The description", max_len=REASON_MAX),
        created_at=scope.now,
    )
    scope.session.add(group)
    scope.session.flush()
    scope.enqueue("create_group", group.id, {"name": group.name, "description": group.description})
    scope.changed("group", group.id, "created")
    return group


def add_agent(scope: WriteScope, name: str, username: str, email: str | None) -> Agent:
    clean_name = clean_text(name, field="name", label="The agent's name", max_len=NAME_MAX, required=True) or ""
    clean_user = clean_text(username, field="username", label="The username", max_len=NAME_MAX, required=True) or ""
    # Case-insensitive, as agent_by_name looks agents up.
    if any(existing.casefold() == clean_user.casefold() for existing in scope.session.scalars(select(Agent.username))):
        raise ValidationError(f"The username {clean_user!r} is taken.", field="username")
    agent = Agent(
        id=scope.env.ids(),
        name=clean_name,
        username=clean_user,
        email=clean_text(email, field="email", label="The e-mail address", max_len=EMAIL_MAX),
        created_at=scope.now,
    )
    scope.session.add(agent)
    scope.session.flush()
    scope.enqueue("create_agent", agent.id, {"name": agent.name, "username": agent.username, "email": agent.email})
    scope.changed("agent", agent.id, "created")
    return agent


def ensure_device(scope: WriteScope, local_name: str, local_username: str) -> tuple[DeviceState, bool]:
    """First run: create this device's identity and its local agent. Returns (state, created)."""
    state = scope.session.get(DeviceState, 1)
    if state is not None:
        return state, False
    agent = add_agent(scope, local_name, local_username, None)
    state = DeviceState(id=1, device_id=scope.env.ids(), local_agent_id=agent.id, created_at=scope.now)
    scope.session.add(state)
    scope.actor_id = agent.id
    return state, True
