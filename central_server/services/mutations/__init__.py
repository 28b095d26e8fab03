"""One applier per mutation name: each raises a RejectionError or returns what it did."""

from __future__ import annotations

from collections.abc import Callable

from central_server.services.mutations.attachments import attach_file, remove_attachment
from central_server.services.mutations.categories import update_category
from central_server.services.mutations.directory import (
    add_group_member,
    create_agent,
    create_category,
    create_group,
    create_reporter,
    update_agent,
)
from central_server.services.mutations.escalate import escalate
from central_server.services.mutations.incident_create import create_incident
from central_server.services.mutations.incident_update import update_fields
from central_server.services.mutations.incident_workflow import add_note, change_status, reassign
from central_server.services.mutations.knowledge import save_knowledge
from central_server.services.mutations.scope import Applied, MutationScope
from central_server.services.mutations.send_message import send_message

APPLIERS: dict[str, Callable[[MutationScope], Applied]] = {
    "create_incident": create_incident,
    "update_fields": update_fields,
    "change_status": change_status,
    "reassign": reassign,
    "add_note": add_note,
    "escalate": escalate,
    "save_knowledge": save_knowledge,
    "send_message": send_message,
    "attach_file": attach_file,
    "remove_attachment": remove_attachment,
    "create_reporter": create_reporter,
    "create_category": create_category,
    "update_category": update_category,
    "create_group": create_group,
    "add_group_member": add_group_member,
    "create_agent": create_agent,
    "update_agent": update_agent,
}

__all__ = ["APPLIERS", "Applied", "MutationScope"]
