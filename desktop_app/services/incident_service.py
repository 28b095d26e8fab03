"""Logging and working incidents: create, update, assign, change status, add notes, read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from desktop_app.domain.dtos import IncidentDetail, IncidentDraft, IncidentPatch, IncidentSummary, Result
from desktop_app.domain.enums import Channel, HoldReason, NoteKind, Priority, Status
from desktop_app.domain.errors import NotFoundError, ReadOnlyIncidentError, ValidationError
from desktop_app.domain.ids import format_number, parse_number
from desktop_app.domain.limits import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    clean_text,
    title_from_description,
)
from desktop_app.domain.priority import PriorityMatrix, check_level
from desktop_app.domain.status_machine import is_read_only
from desktop_app.models import Agent, Category, Group, Incident, Note, Reporter
from desktop_app.services.category_service import find_category
from desktop_app.services.incident_mapping import load_detail, row_to_summary, summary_select
from desktop_app.services.incident_status import StatusChange, apply_status_change
from desktop_app.services.numbering import next_incident_number
from desktop_app.services.reporter_service import add_reporter
from desktop_app.services.transaction import ServiceBase, ServiceEnv, WriteScope

PRIORITY_GROUP = frozenset({"impact", "urgency", "priority", "priority_override_reason"})
# An incident time this far in the future is a typo, not a report.
FUTURE_TOLERANCE = timedelta(minutes=5)
OPEN_STATUSES = tuple(s.value for s in Status if s.is_open)


class IncidentService(ServiceBase):
    def __init__(self, env: ServiceEnv, matrix: PriorityMatrix | None = None) -> None:
        super().__init__(env)
        self.matrix = matrix or PriorityMatrix()

    # --- reads ---------------------------------------------------------------------------

    def priority_for(self, impact: int, urgency: int) -> Priority:
        return self.matrix.priority(impact, urgency)

    def get(self, incident_id: uuid.UUID) -> IncidentDetail:
        with self._read() as session:
            return load_detail(session, _incident(session, incident_id))

    def get_by_number(self, number: int | str) -> IncidentDetail:
        with self._read() as session:
            return load_detail(session, _incident_by_number(session, number))

    def list_recent(
        self,
        limit: int = 200,
        after: tuple[datetime, uuid.UUID] | None = None,
        open_only: bool = False,
    ) -> list[IncidentSummary]:
        """Newest first, a page at a time: pass the last row's (created_at, id) as ``after``."""
        stmt = summary_select().order_by(Incident.created_at.desc(), Incident.id.desc()).limit(limit)
        if after is not None:
            stmt = stmt.where(tuple_(Incident.created_at, Incident.id) < tuple_(*after))
        if open_only:
            stmt = stmt.where(Incident.status.in_(OPEN_STATUSES))
        with self._read() as session:
            return [row_to_summary(row) for row in session.execute(stmt)]

    def summaries(self, ids: list[uuid.UUID] | frozenset[uuid.UUID]) -> list[IncidentSummary]:
        with self._read() as session:
            return [row_to_summary(r) for r in session.execute(summary_select().where(Incident.id.in_(list(ids))))]

    def count(self, open_only: bool = False) -> int:
        stmt = select(func.count()).select_from(Incident)
        if open_only:
            stmt = stmt.where(Incident.status.in_(OPEN_STATUSES))
        with self._read() as session:
            return int(session.scalar(stmt) or 0)

    # --- writes --------------------------------------------------------------------------

    def create(self, draft: IncidentDraft) -> Result[IncidentDetail]:
        with self._write() as scope:
            incident = self.create_in(scope, draft)
            return Result(load_detail(scope.session, incident), scope.change_set())

    def create_in(self, scope: WriteScope, draft: IncidentDraft) -> Incident:
        """Create inside the caller's transaction (email import adds its attachments in the same one)."""
        description = clean_text(
            draft.description, field="description", label="The description", max_len=DESCRIPTION_MAX, required=True
        )
        assert description is not None
        title = clean_text(draft.title, field="title", label="The title", max_len=TITLE_MAX) or title_from_description(
            description
        )
        impact = check_level("impact", draft.impact)
        urgency = check_level("urgency", draft.urgency)
        priority, override_reason = self._priority(
            impact, urgency, draft.priority_override, draft.priority_override_reason
        )
        occurred_at = _check_occurred(draft.occurred_at, scope.now)
        session = scope.session
        reporter = _reporter(scope, draft)
        category_id = _category_id(session, draft.category_id, draft.category_path, keeping=None)
        _check_assignment(session, draft.group_id, draft.assignee_id)
        incident = Incident(
            id=scope.env.ids(),
            number=next_incident_number(session),
            title=title,
            description=description,
            channel=Channel(draft.channel).value,
            reporter_id=reporter.id if reporter else None,
            reporter_name=reporter.name if reporter else None,
            reporter_email=reporter.email if reporter else None,
            reporter_phone=reporter.phone if reporter else None,
            occurred_at=occurred_at,
            reported_at=scope.now,
            category_id=category_id,
            impact=impact,
            urgency=urgency,
            priority=priority.value,
            priority_override_reason=override_reason,
            status=(Status.ASSIGNED if draft.assignee_id else Status.NEW).value,
            group_id=draft.group_id,
            assignee_id=draft.assignee_id,
            is_drill=draft.is_drill,
            created_by_id=scope.actor_id,
            created_at=scope.now,
            updated_at=scope.now,
            version=1,
        )
        session.add(incident)
        session.flush()
        payload = {
            column: getattr(incident, column)
            for column in (
                "number",
                "title",
                "description",
                "channel",
                "reporter_id",
                "reporter_name",
                "reporter_email",
                "reporter_phone",
                "occurred_at",
                "reported_at",
                "category_id",
                "impact",
                "urgency",
                "priority",
                "priority_override_reason",
                "status",
                "group_id",
                "assignee_id",
                "is_drill",
            )
        }
        mutation_id = scope.enqueue("create_incident", incident.id, payload)
        scope.audit(incident.id, "created", None, incident.number, mutation_id)
        scope.changed("incident", incident.id, "created")
        return incident

    def update(self, incident_id: uuid.UUID, patch: IncidentPatch) -> Result[IncidentDetail]:
        if patch.is_empty():
            raise ValidationError("Nothing to change: name at least one field.")
        with self._write() as scope:
            incident = _writable(scope.session, incident_id)
            new_values = self._patch_values(scope, incident, patch)
            changed = {k: v for k, v in new_values.items() if getattr(incident, k) != v}
            if not changed:
                return Result(load_detail(scope.session, incident), scope.change_set())
            payload = dict(changed)
            if PRIORITY_GROUP & changed.keys():
                # The server merges impact, urgency and priority as one field (PROTOCOL.md v1.1):
                # send the whole group, and its base, whenever any part of it changes.
                payload.update({k: new_values[k] for k in sorted(PRIORITY_GROUP)})
            base = {k: getattr(incident, k) for k in payload}
            mutation_id = scope.enqueue("update_fields", incident.id, payload, base | {"version": incident.version})
            for key, value in changed.items():
                scope.audit(incident.id, key, base[key], value, mutation_id)
                setattr(incident, key, value)
            _touch(scope, incident)
            return Result(load_detail(scope.session, incident), scope.change_set())

    def assign(
        self, incident_id: uuid.UUID, *, group_id: uuid.UUID | None, assignee_id: uuid.UUID | None
    ) -> Result[IncidentDetail]:
        """Set group and assignee (``None`` clears). A new incident given an assignee becomes Assigned."""
        with self._write() as scope:
            incident = _writable(scope.session, incident_id)
            _check_assignment(scope.session, group_id, assignee_id)
            base = {"group_id": incident.group_id, "assignee_id": incident.assignee_id, "version": incident.version}
            if (incident.group_id, incident.assignee_id) == (group_id, assignee_id):
                raise ValidationError("The incident is already assigned that way.")
            mutation_id = scope.enqueue(
                "reassign", incident.id, {"group_id": group_id, "assignee_id": assignee_id}, base
            )
            place(scope, incident, group_id, assignee_id, mutation_id)
            _touch(scope, incident)
            return Result(load_detail(scope.session, incident), scope.change_set())

    def change_status(
        self,
        incident_id: uuid.UUID,
        target: Status,
        *,
        hold_reason: HoldReason | None = None,
        resolution_code: str | None = None,
        root_cause: str | None = None,
        resolution_steps: str | None = None,
        root_cause_category: str | None = None,
        reporter_informed: bool | None = None,
        reporter_not_informed_reason: str | None = None,
        reason: str | None = None,
    ) -> Result[IncidentDetail]:
        """Move along the status machine; Resolve and Close need their documentation, Reopen a reason."""
        change = StatusChange(
            target,
            hold_reason=hold_reason,
            resolution_code=resolution_code,
            root_cause=root_cause,
            resolution_steps=resolution_steps,
            root_cause_category=root_cause_category,
            reporter_informed=reporter_informed,
            reporter_not_informed_reason=reporter_not_informed_reason,
            reason=reason,
        )
        with self._write() as scope:
            incident = _incident(scope.session, incident_id)
            apply_status_change(scope, incident, change)
            _touch(scope, incident)
            return Result(load_detail(scope.session, incident), scope.change_set())

    def change_status_in(
        self, scope: WriteScope, incident_id: uuid.UUID, target: Status, *, reason: str | None = None
    ) -> Incident:
        """Change the status inside the caller's transaction (a threaded email reply reopens this way)."""
        incident = _incident(scope.session, incident_id)
        apply_status_change(scope, incident, StatusChange(target, reason=reason))
        _touch(scope, incident)
        return incident

    def add_note(self, incident_id: uuid.UUID, body: str, kind: NoteKind = NoteKind.WORKLOG) -> Result[IncidentDetail]:
        with self._write() as scope:
            note = self.add_note_in(scope, incident_id, body, kind)
            return Result(load_detail(scope.session, _incident(scope.session, note.incident_id)), scope.change_set())

    def add_note_in(self, scope: WriteScope, incident_id: uuid.UUID, body: str, kind: NoteKind) -> Note:
        """Append a note inside the caller's transaction (email import threads replies this way)."""
        text = clean_text(body, field="note", label="The note", max_len=NOTE_MAX, required=True)
        if kind == NoteKind.SYSTEM:
            raise ValidationError("System notes are written by the application, not by hand.", field="kind")
        incident = _writable(scope.session, incident_id)
        note = Note(
            id=scope.env.ids(),
            incident_id=incident.id,
            kind=NoteKind(kind).value,
            body=text or "",
            author_id=scope.actor_id,
            created_at=scope.now,
        )
        scope.session.add(note)
        scope.enqueue("add_note", incident.id, {"note_id": note.id, "kind": note.kind, "body": note.body})
        # A note is append-only: it bumps the timestamp the queue sorts on, not the field version.
        incident.updated_at = scope.now
        scope.changed("incident", incident.id)
        scope.session.flush()
        return note

    # --- helpers -------------------------------------------------------------------------

    def _priority(
        self, impact: int, urgency: int, override: Priority | None, reason: str | None
    ) -> tuple[Priority, str | None]:
        derived = self.matrix.priority(impact, urgency)
        if override is None or override == derived:
            return derived, None
        clean_reason = clean_text(
            reason,
            field="priority_override_reason",
            label="The reason for overriding the priority",
            max_len=REASON_MAX,
            required=True,
        )
        return Priority(override), clean_reason

    def _patch_values(self, scope: WriteScope, incident: Incident, patch: IncidentPatch) -> dict[str, object]:
        values: dict[str, object] = {}
        if patch.title is not None:
            values["title"] = clean_text(
                patch.title, field="title", label="The title", max_len=TITLE_MAX, required=True
            )
        if patch.description is not None:
            values["description"] = clean_text(
                patch.description,
                field="description",
                label="The description",
                max_len=DESCRIPTION_MAX,
                required=True,
            )
        if patch.channel is not None:
            values["channel"] = Channel(patch.channel).value
        if patch.occurred_at is not None:
            values["occurred_at"] = _check_occurred(patch.occurred_at, scope.now)
        if patch.category_id is not None or patch.category_path is not None:
            values["category_id"] = _category_id(
                scope.session, patch.category_id, patch.category_path, keeping=incident.category_id
            )
        if patch.reporter_id is not None:
            reporter = scope.session.get(Reporter, patch.reporter_id)
            if reporter is None:
                raise NotFoundError("That reporter is no longer in the directory.", field="reporter")
            values.update(
                reporter_id=reporter.id,
                reporter_name=reporter.name,
                reporter_email=reporter.email,
                reporter_phone=reporter.phone,
            )
        if patch.is_drill is not None:
            values["is_drill"] = patch.is_drill
        for key, label, limit in (
            ("workaround", "The workaround", DESCRIPTION_MAX),
            ("resolution_code", "The resolution code", SHORT_TEXT_MAX),
            ("root_cause", "The root cause", DESCRIPTION_MAX),
            ("resolution_steps", "The resolution steps", DESCRIPTION_MAX),
        ):
            if getattr(patch, key) is not None:
                values[key] = clean_text(getattr(patch, key), field=key, label=label, max_len=limit)
        impact = check_level("impact", patch.impact) if patch.impact is not None else incident.impact
        urgency = check_level("urgency", patch.urgency) if patch.urgency is not None else incident.urgency
        values.update(impact=impact, urgency=urgency)
        override = patch.priority_override
        if override is None and not patch.clear_priority_override and incident.priority_override_reason:
            override = Priority(incident.priority)  # keep an earlier override unless told to clear it
            reason = patch.priority_override_reason or incident.priority_override_reason
        else:
            reason = patch.priority_override_reason
        priority, override_reason = self._priority(impact, urgency, override, reason)
        values.update(priority=priority.value, priority_override_reason=override_reason)
        return values


def place(
    scope: WriteScope,
    incident: Incident,
    group_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
    mutation_id: uuid.UUID,
) -> None:
    """Move the incident to a group and assignee, audited: a new incident given an assignee becomes
    Assigned, an assigned one with neither group nor assignee goes back to New (the server does the same)."""
    if incident.group_id != group_id:
        old, new = _group_name(scope.session, incident.group_id), _group_name(scope.session, group_id)
        scope.audit(incident.id, "group", old, new, mutation_id)
        incident.group_id = group_id
    if incident.assignee_id != assignee_id:
        old, new = _agent_name(scope.session, incident.assignee_id), _agent_name(scope.session, assignee_id)
        scope.audit(incident.id, "assignee", old, new, mutation_id)
        incident.assignee_id = assignee_id
    status = Status(incident.status)
    if assignee_id is not None and status == Status.NEW:
        scope.audit(incident.id, "status", status, Status.ASSIGNED, mutation_id)
        incident.status = Status.ASSIGNED.value
    elif assignee_id is None and group_id is None and status == Status.ASSIGNED:
        scope.audit(incident.id, "status", status, Status.NEW, mutation_id)
        incident.status = Status.NEW.value


def _touch(scope: WriteScope, incident: Incident) -> None:
    incident.updated_at = scope.now
    incident.version += 1
    scope.changed("incident", incident.id)


def _incident(session: Session, incident_id: uuid.UUID) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError("That incident no longer exists.")
    return incident


def _incident_by_number(session: Session, number: int | str) -> Incident:
    value = number if isinstance(number, int) else parse_number(number)
    if value is None:
        raise ValidationError(f"{number!r} is not an incident number (like INC-000123).", field="number")
    incident = session.scalar(select(Incident).where(Incident.number == value))
    if incident is None:
        raise NotFoundError(f"There is no incident {format_number(value)}.")
    return incident


def _writable(session: Session, incident_id: uuid.UUID) -> Incident:
    incident = _incident(session, incident_id)
    if is_read_only(Status(incident.status)):
        state = Status(incident.status).label.lower()
        raise ReadOnlyIncidentError(f"{format_number(incident.number)} is {state} and read-only; reopen it first.")
    return incident


def _check_occurred(occurred_at: datetime | None, now: datetime) -> datetime:
    if occurred_at is None:
        return now
    if occurred_at.tzinfo is None:
        raise ValidationError("The incident time needs a time zone.", field="occurred_at")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError("The incident time is in the future.", field="occurred_at")
    return occurred_at.astimezone(UTC)  # as stored: the DTO, the audit and the outbox all say UTC


def _reporter(scope: WriteScope, draft: IncidentDraft) -> Reporter | None:
    if draft.reporter_id is not None:
        reporter = scope.session.get(Reporter, draft.reporter_id)
        if reporter is None:
            raise NotFoundError("That reporter is no longer in the directory.", field="reporter")
        return reporter
    if draft.new_reporter is not None:
        return add_reporter(scope, draft.new_reporter)
    return None


def _category_id(
    session: Session, category_id: uuid.UUID | None, path: str | None, *, keeping: uuid.UUID | None
) -> uuid.UUID | None:
    """The category to set; a deactivated one only where the incident already has it (``keeping``)."""
    if category_id is not None:
        category = session.get(Category, category_id)
        if category is None:
            raise NotFoundError("That category no longer exists.", field="category")
        if not category.is_active and category_id != keeping:
            raise ValidationError(
                f"The category {category.path!r} has been deactivated; pick another one.", field="category"
            )
        return category_id
    if path is not None and path.strip():
        return find_category(session, path).id
    return None


def _check_assignment(session: Session, group_id: uuid.UUID | None, assignee_id: uuid.UUID | None) -> None:
    if group_id is not None and session.get(Group, group_id) is None:
        raise NotFoundError("That group no longer exists.", field="group")
    if assignee_id is not None:
        agent = session.get(Agent, assignee_id)
        if agent is None or not agent.is_active:
            raise NotFoundError("That agent is not active.", field="assignee")


def _group_name(session: Session, group_id: uuid.UUID | None) -> str | None:
    return session.scalar(select(Group.name).where(Group.id == group_id)) if group_id else None


def _agent_name(session: Session, agent_id: uuid.UUID | None) -> str | None:
    return session.scalar(select(Agent.name).where(Agent.id == agent_id)) if agent_id else None
