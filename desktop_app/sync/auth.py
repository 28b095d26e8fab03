"""The session with the server: a short-lived access token in memory, the refresh token in the keyring.

Refresh tokens rotate: each refresh returns a new one and retires the old. The keyring copy is read
before every refresh, because another process of the same user (the CLI beside the GUI) may have
rotated it; presenting a retired token after the server's grace window would revoke the whole
family and log both out. The in-memory copy is used only when there is no keyring.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from desktop_app.domain.sync_errors import AuthRequired
from desktop_app.sync.credentials import CredentialStore, KeyringCheck
from desktop_app.sync.http import ApiClient
from sync_protocol.schemas import RefreshRequest, TokenPair

# Refresh a little before the server would say token_expired: saves a round trip and a retry.
EXPIRY_MARGIN_SECONDS = 30.0


class SessionTokens:
    """A ``TokenSource`` for one server and user."""

    def __init__(
        self,
        api: ApiClient,
        credentials: CredentialStore,
        username: str,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = api
        self.server_url = api.base_url
        self.username = username
        self._credentials = credentials
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._access: str | None = None
        self._expires_at = 0.0
        self._margin = EXPIRY_MARGIN_SECONDS
        self._refresh_in_memory: str | None = None
        self.keyring = KeyringCheck(True, "unknown")

    @property
    def has_session(self) -> bool:
        return self._access is not None or self._refresh_in_memory is not None

    def adopt(self, pair: TokenPair) -> KeyringCheck:
        """Take a new token pair (from login or refresh): the refresh token goes to the keyring at once."""
        self._access = pair.access_token
        self._expires_at = self._monotonic() + max(0, pair.expires_in)
        # Never so early that a short-lived token (a test server's) is refreshed on every call.
        self._margin = min(EXPIRY_MARGIN_SECONDS, max(0, pair.expires_in) / 10)
        self.keyring = self._credentials.save(self.server_url, self.username, pair.refresh_token)
        # Without a keyring the token lives only here, for this session: never in a file.
        self._refresh_in_memory = None if self.keyring.available else pair.refresh_token
        return self.keyring

    def access_token(self) -> str:
        with self._lock:
            if self._access is not None and self._monotonic() < self._expires_at - self._margin:
                return self._access
        return self.refreshed_access_token()

    def refreshed_access_token(self) -> str:
        with self._lock:
            refresh = self._stored_refresh_token()
            if refresh is None:
                self._access = None
                raise AuthRequired(f"Not logged in to {self.server_url} as {self.username}: log in first.")
            try:
                pair = self.api.refresh(RefreshRequest(refresh_token=refresh))
            except AuthRequired as exc:
                # Revoked, expired or reused: this token will never work again; do not keep it around.
                self.forget()
                raise AuthRequired(
                    f"Your session with {self.server_url} has ended ({exc.message}); log in again."
                ) from exc
            self.adopt(pair)
            return pair.access_token

    def stored_refresh_token(self) -> str | None:
        with self._lock:
            return self._stored_refresh_token()

    def _stored_refresh_token(self) -> str | None:
        return self._credentials.load(self.server_url, self.username) or self._refresh_in_memory

    def forget(self) -> None:
        self._access = None
        self._expires_at = 0.0
        self._refresh_in_memory = None
        self._credentials.delete(self.server_url, self.username)
