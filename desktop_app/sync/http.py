"""A small client of the sync API over ``requests`` (PROTOCOL.md): typed answers, typed failures.

Every request has a timeout (connect 5 s, read 30 s) and verifies TLS. Authenticated calls carry
``Authorization: Bearer``; a 401 ``token_expired`` refreshes the access token and retries once.
Redirects are not followed: a POST must not silently turn into a GET, nor credentials travel to a
host the user did not name.
"""

from __future__ import annotations

import ipaddress
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel
from pydantic import ValidationError as WireValidationError

from desktop_app.domain.errors import ValidationError
from desktop_app.domain.sync_errors import (
    AuthRequired,
    CursorExpired,
    ProtocolError,
    SeqGapError,
    ServerBusy,
    ServerUnreachable,
    TlsVerificationError,
)
from sync_protocol.schemas import (
    BootstrapPage,
    ConflictRecord,
    ConflictResolution,
    LoginRequest,
    NumberBlock,
    NumberBlockRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    RefreshRequest,
    ServerInfo,
    TokenPair,
)

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 30.0
DEFAULT_TIMEOUT = (CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)
# Plain http is refused for anything but this machine unless this is set (a lab, a test rig).
ENV_ALLOW_HTTP = "HELPDESK_ALLOW_INSECURE_HTTP"
USER_AGENT = "helpdesk-desktop/0.1"
CLIENT_TIME_HEADER = "X-Client-Time"


def client_time_header(now: datetime) -> str:
    """The device's time as ISO 8601 UTC, for ``X-Client-Time``."""
    stamp = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return stamp.isoformat()


Model = TypeVar("Model", bound=BaseModel)


class TokenSource(Protocol):
    """Gives the access token for a request, and a fresh one after a 401 ``token_expired``."""

    def access_token(self) -> str: ...

    def refreshed_access_token(self) -> str: ...


def normalise_server_url(url: str) -> str:
    """``https://desk.example.org/`` → ``https://desk.example.org``; refuses what cannot be a server."""
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            f"{url!r} is not a server address; write it like https://helpdesk.example.org", field="server_url"
        )
    if parts.query or parts.fragment:
        raise ValidationError(f"{url!r}: a server address has no ?query or #fragment.", field="server_url")
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not os.environ.get(ENV_ALLOW_HTTP):
        raise ValidationError(
            f"{url!r} uses plain http, which would send your password unencrypted; use https "
            f"(or set {ENV_ALLOW_HTTP}=1 on a trusted test network).",
            field="server_url",
        )
    return text


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = normalise_server_url(base_url)
        self.timeout = timeout
        self.verify = verify
        self.tokens: TokenSource | None = None
        # The device's clock (the engine's), sent with each push as X-Client-Time so that the server can
        # correct the HLCs of a device whose clock is off (PROTOCOL.md "Clock skew"). None: not sent.
        self.clock: Callable[[], datetime] | None = None
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self._session.close()

    # --- endpoints -----------------------------------------------------------------------

    def info(self) -> ServerInfo:
        return self._call("GET", "/sync/info", ServerInfo, auth=False)

    def login(self, request: LoginRequest) -> TokenPair:
        return self._call("POST", "/auth/login", TokenPair, body=request, auth=False, login=True)

    def refresh(self, request: RefreshRequest) -> TokenPair:
        return self._call("POST", "/auth/refresh", TokenPair, body=request, auth=False)

    def logout(self, request: RefreshRequest) -> None:
        self._call("POST", "/auth/logout", None, body=request, auth=False)

    def push(self, request: PushRequest) -> PushResponse:
        extra = {CLIENT_TIME_HEADER: client_time_header(self.clock())} if self.clock is not None else {}
        return self._call("POST", "/sync/push", PushResponse, body=request, headers=extra)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        return self._call("GET", "/sync/pull", PullResponse, params={"cursor": cursor, "limit": limit})

    def bootstrap(self, page: str | None, limit: int) -> BootstrapPage:
        params: dict[str, Any] = {"limit": limit}
        if page is not None:
            params["page"] = page
        return self._call("GET", "/sync/bootstrap", BootstrapPage, params=params)

    def lease_numbers(self, request: NumberBlockRequest) -> NumberBlock:
        return self._call("POST", "/sync/numbers", NumberBlock, body=request)

    def conflicts(self) -> list[ConflictRecord]:
        raw = self._call("GET", "/sync/conflicts", None)
        if not isinstance(raw, list):
            raise ProtocolError("The server's list of conflicts is not a list.")
        return [self._parse(ConflictRecord, item) for item in raw]

    def resolve_conflict(self, conflict_id: uuid.UUID, resolution: ConflictResolution) -> ConflictRecord:
        return self._call("POST", f"/sync/conflicts/{conflict_id}/resolve", ConflictRecord, body=resolution)

    # --- plumbing ------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        model: type[Model] | None,
        *,
        body: BaseModel | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        login: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Any:
        payload = body.model_dump(mode="json") if body is not None else None

        def send(token: str | None) -> requests.Response:
            auth_header = {"Authorization": f"Bearer {token}"} if token else {}
            return self._send(method, path, payload, params, (headers or {}) | auth_header)

        response = send(self._tokens().access_token() if auth else None)
        if auth and response.status_code == 401 and _error_code(response) == "token_expired":
            response = send(self._tokens().refreshed_access_token())  # once: a second 401 is final
        self._raise_for_status(response, login=login)
        if response.status_code == 204 or (model is None and not response.content):
            return None
        data = _json(response)
        return data if model is None else self._parse(model, data)

    def authorized(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        json_body: BaseModel | None = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """One authenticated request whose answer the caller reads itself (the blob channel: raw bytes, ranges,
        codes of its own); a 401 ``token_expired`` refreshes once. Call ``raise_for_status`` for the rest."""
        payload = json_body.model_dump(mode="json") if json_body is not None else None

        def send(token: str) -> requests.Response:
            auth_header = {"Authorization": f"Bearer {token}"}
            return self._send(method, path, payload, None, (headers or {}) | auth_header, data=data, stream=stream)

        response = send(self._tokens().access_token())
        if response.status_code == 401 and _error_code(response) == "token_expired":
            response.close()
            response = send(self._tokens().refreshed_access_token())
        return response

    def raise_for_status(self, response: requests.Response) -> None:
        self._raise_for_status(response, login=False)

    def _tokens(self) -> TokenSource:
        if self.tokens is None:
            raise AuthRequired("Not logged in to the server: log in first.")
        return self.tokens

    def _send(
        self,
        method: str,
        path: str,
        payload: Any,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        *,
        data: bytes | None = None,
        stream: bool = False,
    ) -> requests.Response:
        url = self.base_url + path
        try:
            return self._session.request(
                method,
                url,
                json=payload,
                data=data,
                params=params,
                headers=headers,
                timeout=self.timeout,
                verify=self.verify,
                allow_redirects=False,
                stream=stream,
            )
        except requests.exceptions.SSLError as exc:
            raise TlsVerificationError(
                f"The server {self.base_url} could not prove its identity (TLS certificate check failed: {exc}). "
                "Nothing was sent; your changes are kept. Ask IT to fix the certificate."
            ) from exc
        except requests.exceptions.Timeout as exc:
            raise ServerUnreachable(
                f"The server {self.base_url} did not answer in time; your changes are kept and will be sent later."
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise ServerUnreachable(
                f"The server {self.base_url} cannot be reached ({_reason(exc)}); "
                "your changes are kept and will be sent later."
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise ServerUnreachable(f"Talking to {self.base_url} failed ({exc}); your changes are kept.") from exc

    def _raise_for_status(self, response: requests.Response, *, login: bool) -> None:
        status = response.status_code
        if status < 300:
            return
        code, message = _error_code(response), _error_message(response)
        where = self.base_url
        if 300 <= status < 400:
            target = response.headers.get("Location", "elsewhere")
            raise ProtocolError(f"The server {where} redirects to {target}; use that address instead.")
        if status == 401:
            if login:
                said = (message or "unauthorized").rstrip(".")
                raise AuthRequired(f"The server refused the user name or password ({said}).")
            raise AuthRequired(f"The server ended this session ({message or code or 'unauthorized'}); log in again.")
        if status == 410:
            raise CursorExpired(message or "The server no longer holds the changes since our last sync.")
        if status == 409 and code == "seq_gap":
            raise SeqGapError(message or "The server missed some of our changes.", last_seq=_last_seq(response))
        if status == 429:
            retry_after = _retry_after(response)
            wait = f" Try again in {int(retry_after)} s." if retry_after else ""
            raise ServerBusy(
                f"The server {where} asks us to slow down ({message or 'too many requests'}).{wait}",
                retry_after=retry_after,
            )
        if status >= 500:
            raise ServerUnreachable(
                f"The server {where} had a problem (HTTP {status}{': ' + message if message else ''}); "
                "your changes are kept and will be sent later."
            )
        raise ProtocolError(f"The server {where} refused the request (HTTP {status} {code or ''}: {message}).")

    @staticmethod
    def _parse(model: type[Model], data: Any) -> Model:
        try:
            return model.model_validate(data)
        except WireValidationError as exc:
            raise ProtocolError(
                f"The server's answer does not match the sync protocol ({model.__name__}): {exc}"
            ) from exc


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ProtocolError(
            f"The server answered with something that is not JSON (HTTP {response.status_code})."
        ) from exc


def _detail(response: requests.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("detail") if isinstance(body, dict) else None


def _error_code(response: requests.Response) -> str | None:
    detail = _detail(response)
    return detail.get("code") if isinstance(detail, dict) else None


def _error_message(response: requests.Response) -> str:
    detail = _detail(response)
    if isinstance(detail, dict):
        return str(detail.get("message") or "")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # FastAPI's request validation errors
        return "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    return response.reason or ""


def _last_seq(response: requests.Response) -> int | None:
    """PROTOCOL.md says to resend from the server's last_seq but not where the 409 says it; look around."""
    detail = _detail(response)
    for holder in (detail, response.json() if _is_json(response) else None):
        if isinstance(holder, dict) and isinstance(holder.get("last_seq"), int):
            return int(holder["last_seq"])
    return None


def _is_json(response: requests.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    text = str(exc)
    for hint in ("Connection refused", "Name or service not known", "No route to host", "Connection reset"):
        if hint in text:
            return hint.lower()
    return "connection failed"


Factory = Callable[[str], ApiClient]
