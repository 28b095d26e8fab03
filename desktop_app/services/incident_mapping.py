"""ORM rows → frozen DTOs for incidents (summaries for lists, details for the detail pane)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from desktop_app.domain.dtos import AuditEntry, IncidentDetail, IncidentSummary, NoteView
from desktop_app.domain.enums import Channel, HoldReason, NoteKind, Priority, Status
from desktop_app.models import Agent, AuditEvent, Category, Group, Incident, Note, Reporter
from desktop_app.services.reporter_service import to_summary as reporter_summary

Assignee = aliased(Agent, name="assignee")


def summary_select() -> Select:
    """One row per incident with the names a list shows; joins are on primary keys only."""
    return (
        select(
            Incident.id,
            Incident.number,
            Incident.title,
            Incident.status,
            Incident.priority,
            Category.path,
            Incident.reporter_name,
            Group.name,
            Assignee.name,
            Incident.channel,
            Incident.created_at,
            Incident.updated_at,
            Incident.is_drill,
        )
        .outerjoin(Category, Category.id == Incident.category_id)
        .outerjoin(Group, Group.id == Incident.group_id)
        .outerjoin(Assignee, Assignee.id == Incident.assignee_id)
    )


def row_to_summary(row) -> IncidentSummary:
    return IncidentSummary(
        id=row[0],
        number=row[1],
        title=row[2],
        status=Status(row[3]),
        priority=Priority(row[4]),
        category_path=row[5],
        reporter_name=row[6],
        group_name=row[7],
        assignee_name=row[8],
        channel=Channel(row[9]),
        created_at=row[10],
        updated_at=row[11],
        is_drill=row[12],
    )


def load_detail(session: Session, incident: Incident) -> IncidentDetail:
    names = dict(session.execute(select(Agent.id, Agent.name)).all())
    category = session.get(Category, incident.category_id) if incident.category_id else None
    group = session.get(Group, incident.group_id) if incident.group_id else None
    reporter = session.get(Reporter, incident.reporter_id) if incident.reporter_id else None
    notes = session.scalars(
        select(Note).where(Note.incident_id == incident.id).order_by(Note.created_at, Note.id)
    ).all()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.incident_id == incident.id).order_by(AuditEvent.device_time, AuditEvent.id)
    ).all()
    return IncidentDetail(
        id=incident.id,
        number=incident.number,
        title=incident.title,
        description=incident.description,
        channel=Channel(incident.channel),
        status=Status(incident.status),
        hold_reason=HoldReason(incident.hold_reason) if incident.hold_reason else None,
        impact=incident.impact,
        urgency=incident.urgency,
        priority=Priority(incident.priority),
        priority_override_reason=incident.priority_override_reason,
        category_id=incident.category_id,
        category_path=category.path if category else None,
        reporter=reporter_summary(reporter) if reporter else None,
        reporter_name=incident.reporter_name,
        reporter_email=incident.reporter_email,
        reporter_phone=incident.reporter_phone,
        group_id=incident.group_id,
        group_name=group.name if group else None,
        assignee_id=incident.assignee_id,
        assignee_name=names.get(incident.assignee_id) if incident.assignee_id else None,
        occurred_at=incident.occurred_at,
        reported_at=incident.reported_at,
        created_at=incident.created_at,
        updated_at=incident.updated_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
        workaround=incident.workaround,
        resolution_code=incident.resolution_code,
        root_cause=incident.root_cause,
        resolution_steps=incident.resolution_steps,
        is_drill=incident.is_drill,
        version=incident.version,
        created_by_name=names.get(incident.created_by_id) if incident.created_by_id else None,
        notes=tuple(
            NoteView(
                n.id,
                NoteKind(n.kind),
                n.body,
                names.get(n.author_id) if n.author_id else None,
                n.created_at,
                n.time_spent_minutes,
                n.visibility,
                n.details,
            )
            for n in notes
        ),
        history=tuple(
            AuditEntry(
                e.id, e.field, e.old_value, e.new_value, names.get(e.actor_id) if e.actor_id else None, e.device_time
            )
            for e in events
        ),
        root_cause_category=incident.root_cause_category,
        reporter_informed=incident.reporter_informed,
        reporter_not_informed_reason=incident.reporter_not_informed_reason,
    )
