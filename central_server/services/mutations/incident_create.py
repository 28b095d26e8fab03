"""create_incident: inserted once under the client's id, numbered, assignment checked like a take."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from central_server.domain.enums import Status
from central_server.domain.errors import InvalidValueError, NotFoundError
from central_server.domain.incident_fields import CREATABLE, CREATE_DEFAULTS, CREATE_REQUIRED, parse_fields
from central_server.domain.permissions import Assignment, check_create_assignment
from central_server.domain.priority import as_dict, consistent
from central_server.models import Category, Group, Incident, Reporter, User
from central_server.services.mutations.incident_editor import IncidentEditor
from central_server.services.mutations.scope import Applied, MutationScope, resolve_alias
from central_server.services.numbering import choose_number

REFERENCE_MODELS: dict[str, tuple[str, type[Any]]] = {
    "reporter_id": ("reporter", Reporter),
    "category_id": ("category", Category),
    "parent_id": ("incident", Incident),
}


def resolve_references(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Read directory ids through aliases and check they exist; returns the ids the client must adopt."""
    adopted: dict[str, Any] = {}
    for name, (entity, model) in REFERENCE_MODELS.items():
        given = values.get(name)
        if given is None:
            continue
        canonical = resolve_alias(session, entity, given)
        if session.get(model, canonical) is None:
            raise NotFoundError(f"{name} {given} is not on the server; sync its {entity} first.")
        if canonical != given:
            values[name] = canonical
            adopted[name] = str(canonical)
    return adopted


def check_assignment_targets(session: Session, group_id: uuid.UUID | None, assignee_id: uuid.UUID | None) -> None:
    if group_id is not None and session.get(Group, group_id) is None:
        raise NotFoundError(f"Group {group_id} is not on the server.")
    if assignee_id is not None:
        user = session.get(User, assignee_id)
        if user is None or not user.is_active:
            raise NotFoundError(f"Assignee {assignee_id} is not an active user on the server.")


def create_incident(scope: MutationScope) -> Applied:
    session = scope.session
    existing = session.get(Incident, scope.mutation.entity_id)
    if existing is not None:
        return Applied(assigned={"number": existing.number}, note="The incident was already created.")
    values = CREATE_DEFAULTS | parse_fields(scope.mutation.payload, CREATABLE, what="create_incident")
    values.setdefault("reported_at", scope.effective_time)
    missing = [name for name in CREATE_REQUIRED if values.get(name) is None]
    if missing:
        raise InvalidValueError(f"create_incident needs {', '.join(missing)}.")
    if values["status"] not in (Status.NEW, Status.ASSIGNED):
        raise InvalidValueError(f"A new incident is new or assigned, not {values['status']}.")
    adopted = resolve_references(session, values)
    priority = as_dict(consistent(values))["priority"]
    if priority != values["priority"]:
        values["priority"] = adopted["priority"] = priority  # the matrix's, unless an override reason is given
    group_id, assignee_id = values.get("group_id"), values.get("assignee_id")
    check_assignment_targets(session, group_id, assignee_id)
    check_create_assignment(scope.actor, Assignment(group_id=group_id, assignee_id=assignee_id))
    wanted = values.pop("number", None)
    number = choose_number(session, scope.client_id, wanted)
    stamp = scope.stamp().to_json()
    incident = Incident(
        id=scope.mutation.entity_id,
        number=number,
        created_by_id=scope.actor.id,
        created_at=scope.now,
        updated_at=scope.now,
        version=1,
        field_stamps=dict.fromkeys(values, stamp),
        **values,
    )
    session.add(incident)
    session.flush()
    editor = IncidentEditor(
        scope.unit,
        incident,
        actor_id=scope.actor.id,
        mutation_id=scope.mutation.mutation_id,
        device_time=scope.device_time,
        stamp=scope.stamp(),
    )
    editor.audit("created", None, str(number))
    scope.unit.changed("incident", incident.id)
    if number != wanted:
        adopted["number"] = number
    return Applied(assigned=adopted)
