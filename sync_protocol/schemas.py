"""Pydantic models of every request and response of the sync API (DESIGN §4, PROTOCOL.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MutationName = Literal[
    "create_incident",
    "update_fields",
    "change_status",
    "reassign",
    "add_note",
    "escalate",
    "save_knowledge",
    "send_message",
    "create_reporter",
    "create_category",
    "update_category",
    "create_group",
    "add_group_member",
    "create_agent",
    "update_agent",
    "attach_file",
    "remove_attachment",
]
Role = Literal["agent", "technician", "supervisor", "admin"]
Outcome = Literal["applied", "rejected", "conflict"]
Entity = Literal[
    "incident",
    "note",
    "audit",
    "reporter",
    "category",
    "group",
    "user",
    "conflict",
    "attachment",
    "knowledge",
    "message",
]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- auth --------------------------------------------------------------------------------


class LoginRequest(WireModel):
    username: str
    password: str
    client_id: uuid.UUID
    device_name: str | None = None


class RefreshRequest(WireModel):
    refresh_token: str


class UserInfo(WireModel):
    id: uuid.UUID
    username: str
    name: str
    email: str | None
    role: Role
    group_ids: list[uuid.UUID]


class TokenPair(WireModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int  # seconds until the access token expires
    user: UserInfo


class ServerInfo(WireModel):
    server_id: uuid.UUID
    version: str
    protocol_version: int
    server_time: datetime
    cursor: int  # the newest change counter value


class ErrorBody(WireModel):
    code: str
    message: str


# --- push --------------------------------------------------------------------------------


class Mutation(WireModel):
    mutation_id: uuid.UUID
    seq: int = Field(ge=1)
    name: MutationName
    entity_id: uuid.UUID
    payload: dict[str, Any]
    base: dict[str, Any]
    hlc: str
    device_time: datetime


class PushRequest(WireModel):
    client_id: uuid.UUID
    mutations: list[Mutation] = Field(max_length=1000)


class FieldConflict(WireModel):
    field: str
    base: Any
    mine: Any  # the value in this mutation
    theirs: Any  # the value the server held
    winner: Literal["mine", "theirs"]


class MutationResult(WireModel):
    mutation_id: uuid.UUID
    seq: int
    outcome: Outcome
    code: str | None = None  # for rejections: permission_denied, invalid_transition, validation_error, not_found
    reason: str | None = None
    conflicts: list[FieldConflict] = []
    # Server-decided values the client must adopt, e.g. {"number": 1042} for create_incident.
    assigned: dict[str, Any] = {}
    server_time: datetime


class PushResponse(WireModel):
    last_seq: int  # the client's high-water mark after this push
    results: list[MutationResult]
    server_time: datetime


# --- pull and bootstrap ------------------------------------------------------------------


class Change(WireModel):
    counter: int
    entity: Entity
    entity_id: uuid.UUID
    op: Literal["upsert", "delete"]
    data: dict[str, Any] | None = None  # the entity's full current state for upserts


class PullResponse(WireModel):
    changes: list[Change]
    cursor: int  # pass back as ?cursor= next time
    has_more: bool


class BootstrapPage(WireModel):
    cursor: int  # pull from here once the last page is in
    entities: list[Change]  # op "upsert", counter = cursor
    next_page: str | None  # opaque token, None on the last page


# --- numbering and conflicts -------------------------------------------------------------


class NumberBlockRequest(WireModel):
    client_id: uuid.UUID
    size: int = Field(default=50, ge=1, le=1000)


class NumberBlock(WireModel):
    start: int
    end: int  # inclusive


class ConflictRecord(WireModel):
    id: uuid.UUID
    incident_id: uuid.UUID
    field: str
    base: Any
    mine: Any
    theirs: Any
    winner: Literal["mine", "theirs"]
    mutation_id: uuid.UUID
    user_id: uuid.UUID  # whose mutation lost or won: the one who sees the conflict
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: Literal["kept_theirs", "restored_mine"] | None = None


class ConflictResolution(WireModel):
    resolution: Literal["kept_theirs", "restored_mine"]
