"""What an email import reports, per file, to the CLI and the GUI; and the quarantine as they list it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MEGABYTE = 1024 * 1024
DEFAULT_MAIL_SIZE_LIMIT_MB = 50
# A file in the watched folder written less than this long ago may still be being copied in.
SETTLE_SECONDS = 2.0


class ImportResult(StrEnum):
    CREATED = "created"  # a new incident
    THREADED = "threaded"  # a communication note on an existing incident
    DUPLICATE = "duplicate"  # that Message-ID was imported before: nothing done
    QUARANTINED = "quarantined"  # refused with a reason; the file is kept aside
    FAILED = "failed"  # not the message's fault (database busy, disk full): try again later


@dataclass(frozen=True)
class ImportOutcome:
    source: str  # the file as given (path or name)
    result: ImportResult
    reason: str | None = None
    incident_id: uuid.UUID | None = None
    incident_number: str | None = None
    message_id: str | None = None
    quarantine_id: uuid.UUID | None = None
    reopened: bool = False
    attachments: int = 0
    repairs: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.source,
            "outcome": self.result.value,
            "reason": self.reason,
            "incident": self.incident_number,
            "message_id": self.message_id,
            "quarantine_id": str(self.quarantine_id) if self.quarantine_id else None,
            "reopened": self.reopened,
            "attachments": self.attachments,
            "repairs": list(self.repairs),
        }

    @property
    def summary(self) -> str:
        """One line for a person: what happened to this file."""
        name = self.source.rsplit("/", 1)[-1]
        if self.result == ImportResult.CREATED:
            text = f"{name}: created {self.incident_number}"
        elif self.result == ImportResult.THREADED:
            text = f"{name}: added to {self.incident_number}" + (" (reopened)" if self.reopened else "")
        elif self.result == ImportResult.DUPLICATE:
            text = f"{name}: already imported ({self.incident_number}); nothing done"
        else:
            text = f"{name}: {self.result.value}"
        return f"{text} – {self.reason}" if self.reason and self.result != ImportResult.DUPLICATE else text


@dataclass(frozen=True)
class QuarantineEntry:
    id: uuid.UUID
    original_name: str
    stored_path: str
    reason: str
    size: int
    attempts: int
    created_at: datetime
    last_attempt_at: datetime


@dataclass
class MailImportOptions:
    size_limit_mb: int = DEFAULT_MAIL_SIZE_LIMIT_MB
    reopen_resolved: bool = True

    @property
    def size_limit(self) -> int:
        return self.size_limit_mb * MEGABYTE


def mail_options(settings: object) -> MailImportOptions:
    """The import's options from the settings, defaults for anything unset or nonsensical."""
    limit = getattr(settings, "mail_size_limit_mb", DEFAULT_MAIL_SIZE_LIMIT_MB)
    return MailImportOptions(
        size_limit_mb=limit if isinstance(limit, int) and limit > 0 else DEFAULT_MAIL_SIZE_LIMIT_MB,
        reopen_resolved=bool(getattr(settings, "mail_reopen_resolved", True)),
    )


def count_by_result(outcomes: list[ImportOutcome]) -> dict[str, int]:
    counts = {result.value: 0 for result in ImportResult}
    for outcome in outcomes:
        counts[outcome.result.value] += 1
    return counts
