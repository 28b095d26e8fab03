"""Why a mutation is refused: a stable ``code`` (PROTOCOL.md) and a reason a person can act on."""

from __future__ import annotations


class RejectionError(Exception):
    """A permanent refusal of one mutation: recorded, advances ``last_seq``, never blocks the queue."""

    code = "rejected"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermissionDeniedError(RejectionError):
    code = "permission_denied"


class InvalidTransitionError(RejectionError):
    code = "invalid_transition"


class InvalidValueError(RejectionError):
    code = "validation_error"


class NotFoundError(RejectionError):
    code = "not_found"
