"""Typed failures of talking to the central server. Local changes are never lost by any of them.

ServerUnreachable, AuthRequired and CursorExpired keep the names the sync brief and the GUI use,
without the Error suffix.
"""

from __future__ import annotations

from desktop_app.domain.errors import HelpdeskError


class SyncError(HelpdeskError):
    """Base of every sync failure; ``retryable`` tells the GUI's retry timer whether to try again."""

    code = "sync_error"
    retryable = True


class NotConnectedError(SyncError):
    """This client works offline only: no server is configured."""

    code = "not_connected"
    retryable = False


class ServerUnreachable(SyncError):  # noqa: N818 - the name the GUI and PROTOCOL.md readers expect
    """No answer, a dropped connection, a timeout, or a server error (5xx): try again later."""

    code = "server_unreachable"


class TlsVerificationError(ServerUnreachable):
    """The server's certificate could not be verified; retrying does not help until that is fixed."""

    code = "tls_failed"
    retryable = False


class ServerBusy(ServerUnreachable):
    """HTTP 429: the server asks us to slow down (login attempts, or load)."""

    code = "server_busy"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthRequired(SyncError):  # noqa: N818 - the name the GUI and PROTOCOL.md readers expect
    """The server wants a fresh login: bad credentials, a revoked or expired session, no stored token."""

    code = "auth_required"
    retryable = False


class CursorExpired(SyncError):  # noqa: N818 - the name the GUI and PROTOCOL.md readers expect
    """HTTP 410: our pull cursor is older than the server's change log; the engine re-bootstraps."""

    code = "cursor_expired"


class ProtocolError(SyncError):
    """The server answered something this client does not understand, or refused the request itself."""

    code = "protocol_error"
    retryable = False


class SeqGapError(ProtocolError):
    """HTTP 409 seq_gap: the server's high-water mark is below what we sent; resend from ``last_seq + 1``."""

    code = "seq_gap"
    retryable = True

    def __init__(self, message: str, *, last_seq: int | None) -> None:
        super().__init__(message)
        self.last_seq = last_seq


class KeyringUnavailableError(SyncError):
    """No OS keyring backend: the session works, but the refresh token cannot be remembered."""

    code = "no_keyring"
    retryable = False


class SyncBusyError(SyncError):
    """Another sync of this client is already running in this process."""

    code = "sync_busy"
