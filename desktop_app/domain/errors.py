"""Typed errors with stable codes: the CLI prints the message, the GUI shows it, tests match the code."""

from __future__ import annotations


class HelpdeskError(Exception):
    """Base of every error a user can cause; ``code`` is stable, ``message`` is for people."""

    code = "helpdesk_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(HelpdeskError):
    code = "validation_error"


class NotFoundError(HelpdeskError):
    code = "not_found"


class UnknownCategoryError(NotFoundError):
    code = "unknown_category"


class InvalidTransitionError(HelpdeskError):
    code = "invalid_transition"


class ClosureIncompleteError(HelpdeskError):
    code = "closure_incomplete"


class PermissionDeniedError(HelpdeskError):
    code = "permission_denied"


class ReadOnlyIncidentError(HelpdeskError):
    code = "read_only"


class DatabaseError(HelpdeskError):
    code = "database_error"


class CorruptDatabaseError(DatabaseError):
    code = "corrupt_database"


class SchemaTooNewError(DatabaseError):
    code = "schema_too_new"


class StorageFullError(DatabaseError):
    code = "storage_full"
