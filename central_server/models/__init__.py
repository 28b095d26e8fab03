"""SQLAlchemy 2.0 models of the central server (its own; it never imports the client's)."""

from central_server.models.accounts import Client, Group, LoginFailure, RefreshToken, User, group_members
from central_server.models.attachment import Attachment, Blob, BlobHolder, BlobUpload
from central_server.models.base import Base
from central_server.models.directory import Category, IdAlias, Reporter
from central_server.models.incident import AuditEvent, Conflict, Incident, Note
from central_server.models.knowledge import KnowledgeEntry
from central_server.models.mail_outbox import OutboundMail
from central_server.models.sync_state import (
    CHANGES_COUNTER,
    NUMBERS_COUNTER,
    PRUNED_THROUGH_COUNTER,
    Change,
    Counter,
    MutationLogEntry,
    NumberBlock,
    PushResult,
    ServerMeta,
)

__all__ = [
    "CHANGES_COUNTER",
    "NUMBERS_COUNTER",
    "PRUNED_THROUGH_COUNTER",
    "Attachment",
    "AuditEvent",
    "Base",
    "Blob",
    "BlobHolder",
    "BlobUpload",
    "Category",
    "Change",
    "Client",
    "Conflict",
    "Counter",
    "Group",
    "IdAlias",
    "Incident",
    "KnowledgeEntry",
    "LoginFailure",
    "MutationLogEntry",
    "Note",
    "NumberBlock",
    "OutboundMail",
    "PushResult",
    "RefreshToken",
    "Reporter",
    "ServerMeta",
    "User",
    "group_members",
]
