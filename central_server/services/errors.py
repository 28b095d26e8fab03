"""Refusals of a whole request (not of one mutation): the API turns them into status + {code, message}."""

from __future__ import annotations


class RequestRefusedError(Exception):
    """``extra`` goes beside ``detail`` in the body (e.g. ``last_seq`` of a seq gap), so ``detail`` stays
    exactly ``{code, message}`` as PROTOCOL.md and ``ErrorBody`` have it."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}


def unauthorized(code: str, message: str) -> RequestRefusedError:
    return RequestRefusedError(401, code, message, {"WWW-Authenticate": "Bearer"})


def forbidden(message: str) -> RequestRefusedError:
    return RequestRefusedError(403, "permission_denied", message)


def not_found(message: str) -> RequestRefusedError:
    return RequestRefusedError(404, "not_found", message)
