"""A server under test (TestClient on create_app) and sync clients that speak the protocol to it."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from central_server.context import ServerContext
from central_server.services import users

PASSWORD = "correct horse battery"
TEST_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class MutableClock:
    """The server's clock in tests: fixed until a test moves it."""

    def __init__(self, start: datetime = TEST_START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def incident_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "number": None,
        "title": "Printer jams",
        "description": "The printer on floor 3 jams on every page",
        "channel": "phone",
        "reporter_id": None,
        "reporter_name": "Ann Lee",
        "reporter_email": None,
        "reporter_phone": None,
        "occurred_at": "2026-03-02T08:30:00+00:00",
        "reported_at": "2026-03-02T08:45:00+00:00",
        "category_id": None,
        "impact": 2,
        "urgency": 2,
        "priority": "P3",
        "priority_override_reason": None,
        "status": "new",
        "group_id": None,
        "assignee_id": None,
        "is_drill": False,
    }
    return payload | {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in overrides.items()}


def _wire(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in values.items()}


@dataclass
class SyncClient:
    """One client installation logged in as one user: numbers its mutations, keeps its own HLC."""

    http: httpx.Client
    clock: MutableClock
    username: str
    user_id: uuid.UUID
    tokens: dict[str, Any]
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    skew: timedelta = timedelta(0)
    # Send X-Client-Time (the device's clock: the server's plus ``skew``) with each push, as the real client does.
    report_time: bool = True
    next_seq: int = 1
    _last_hlc: tuple[int, int] = (0, 0)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def hlc(self) -> str:
        wall = int((self.clock() + self.skew).timestamp() * 1000)
        last_wall, counter = self._last_hlc
        self._last_hlc = (wall, 0) if wall > last_wall else (last_wall, counter + 1)
        return f"{self._last_hlc[0]:015d}-{self._last_hlc[1]:06d}"

    def mutation(
        self,
        name: str,
        entity_id: uuid.UUID,
        payload: dict[str, Any],
        base: dict[str, Any] | None = None,
        *,
        hlc: str | None = None,
    ) -> dict[str, Any]:
        seq, self.next_seq = self.next_seq, self.next_seq + 1
        return {
            "mutation_id": str(uuid.uuid4()),
            "seq": seq,
            "name": name,
            "entity_id": str(entity_id),
            "payload": _wire(payload),
            "base": _wire(base or {}),
            "hlc": hlc or self.hlc(),
            "device_time": (self.clock() + self.skew).isoformat(),
        }

    def push_raw(self, mutations: Iterable[dict[str, Any]]) -> httpx.Response:
        body = {"client_id": str(self.client_id), "mutations": list(mutations)}
        extra = {"X-Client-Time": (self.clock() + self.skew).isoformat()} if self.report_time else {}
        return self.http.post("/sync/push", json=body, headers=self.headers | extra)

    def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(mutations)
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def push_one(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self.push(self.mutation(*args, **kwargs))[0]

    def create_incident(self, **fields: Any) -> tuple[uuid.UUID, dict[str, Any]]:
        incident_id = uuid.uuid4()
        result = self.push_one("create_incident", incident_id, incident_payload(**fields))
        assert result["outcome"] == "applied", result
        return incident_id, result

    def update(
        self, incident_id: uuid.UUID, changes: dict[str, Any], base: dict[str, Any], **kw: Any
    ) -> dict[str, Any]:
        return self.push_one("update_fields", incident_id, changes, base | {"version": 1}, **kw)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers)

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        changes: list[dict[str, Any]] = []
        while True:
            response = self.get("/sync/pull", cursor=cursor, limit=limit)
            assert response.status_code == 200, response.text
            body = response.json()
            changes.extend(body["changes"])
            cursor = body["cursor"]
            if not body["has_more"]:
                return changes, cursor

    def incident(self, incident_id: uuid.UUID) -> dict[str, Any] | None:
        """The incident as this user's pull shows it now (None: a tombstone, or never seen)."""
        changes, _ = self.pull_all()
        latest = [c for c in changes if c["entity"] == "incident" and c["entity_id"] == str(incident_id)]
        return latest[-1]["data"] if latest else None


class ServerHarness:
    def __init__(self, http: httpx.Client, ctx: ServerContext, clock: MutableClock) -> None:
        self.http = http
        self.ctx = ctx
        self.clock = clock
        self._names = itertools.count(1)

    def group(self, name: str) -> uuid.UUID:
        return users.add_group(self.ctx, name)[0]

    def add_user(self, username: str, role: str = "agent", groups: Iterable[str] = ()) -> uuid.UUID:
        return users.add_user(self.ctx, username, role=role, password=PASSWORD, groups=list(groups))

    def login_response(self, username: str, password: str = PASSWORD, client_id: uuid.UUID | None = None):
        body = {"username": username, "password": password, "client_id": str(client_id or uuid.uuid4())}
        return self.http.post("/auth/login", json=body)

    def login(self, username: str, *, client_id: uuid.UUID | None = None, skew: timedelta = timedelta(0)) -> SyncClient:
        client_id = client_id or uuid.uuid4()
        response = self.login_response(username, client_id=client_id)
        assert response.status_code == 200, response.text
        tokens = response.json()
        return SyncClient(
            self.http, self.clock, username, uuid.UUID(tokens["user"]["id"]), tokens, client_id=client_id, skew=skew
        )

    def user_client(self, role: str = "agent", groups: Iterable[str] = (), **kw: Any) -> SyncClient:
        """A fresh user of that role (in those groups), logged in on a fresh client."""
        username = f"{role}{next(self._names)}"
        self.add_user(username, role, groups)
        return self.login(username, **kw)
