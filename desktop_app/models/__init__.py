"""SQLAlchemy ORM classes. Only services and db import these; views get DTOs."""

from desktop_app.models.attachment import Attachment
from desktop_app.models.base import Base
from desktop_app.models.communication import OutgoingMessage, ResponseTemplate
from desktop_app.models.directory import Agent, Category, Group, Reporter, group_members
from desktop_app.models.incident import AuditEvent, Incident, Note
from desktop_app.models.knowledge import KnowledgeEntry
from desktop_app.models.mail import MailMessage, QuarantinedMail
from desktop_app.models.sla import SlaAlert, SlaCalendar, SlaHoliday, SlaSettingsRow, SlaTargetRow
from desktop_app.models.sync import Conflict, IncidentShadow, NumberBlock, SyncState
from desktop_app.models.sync_state import Counter, DeviceState, OutboxEntry

__all__ = [
    "Agent",
    "Attachment",
    "AuditEvent",
    "Base",
    "Category",
    "Conflict",
    "Counter",
    "DeviceState",
    "Group",
    "Incident",
    "IncidentShadow",
    "KnowledgeEntry",
    "MailMessage",
    "Note",
    "NumberBlock",
    "OutboxEntry",
    "OutgoingMessage",
    "QuarantinedMail",
    "Reporter",
    "ResponseTemplate",
    "SlaAlert",
    "SlaCalendar",
    "SlaHoliday",
    "SlaSettingsRow",
    "SlaTargetRow",
    "SyncState",
    "group_members",
]
