"""Quick ways to put reporters, agents and incidents into a test's database, through the services."""

from __future__ import annotations

import itertools
from typing import Any

from desktop_app.context import AppContext
from desktop_app.domain.dtos import AgentSummary, IncidentDetail, IncidentDraft, ReporterDraft, ReporterSummary
from desktop_app.domain.enums import Status

_serial = itertools.count(1)


def reporter_draft(name: str | None = None, **fields: Any) -> ReporterDraft:
    """A valid reporter; a unique name and e-mail unless given."""
    n = next(_serial)
    fields.setdefault("email", f"caller{n}@example.org")
    return ReporterDraft(name=name or f"Caller {n}", **fields)


def incident_draft(description: str = "Printer on floor 3 jams on every page", **fields: Any) -> IncidentDraft:
    return IncidentDraft(description=description, **fields)


def make_reporter(context: AppContext, name: str | None = None, **fields: Any) -> ReporterSummary:
    return context.reporters.create(reporter_draft(name, **fields)).value


def make_agent(
    context: AppContext, name: str, username: str | None = None, groups: tuple[str, ...] = ()
) -> AgentSummary:
    username = username or name.split()[0].casefold()
    return context.directory.add_agent(name, username, f"{username}@it.example.org", groups=groups).value


def make_incident(
    context: AppContext, description: str = "Printer on floor 3 jams on every page", **fields: Any
) -> IncidentDetail:
    """An incident through IncidentService.create; pass any IncidentDraft field."""
    return context.incidents.create(incident_draft(description, **fields)).value


CLOSURE_DOCS = {
    "resolution_code": "hardware_replaced",
    "resolution_steps": "Swapped the fuser unit, printed a test page",
}
# What Close adds to Resolve's documentation (sync_protocol/workflow_rules.py).
CLOSE_DOCS = {"root_cause_category": "hardware", "root_cause": "Worn fuser", "reporter_informed": True}


def resolve(context: AppContext, incident: IncidentDetail) -> IncidentDetail:
    """Resolve with the documentation the status machine asks for."""
    return context.incidents.change_status(incident.id, Status.RESOLVED, **CLOSURE_DOCS).value


def close(context: AppContext, incident: IncidentDetail) -> IncidentDetail:
    resolve(context, incident)
    return context.incidents.change_status(incident.id, Status.CLOSED, **CLOSE_DOCS).value
