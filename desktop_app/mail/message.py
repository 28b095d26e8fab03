"""What the importer needs from one email, whatever format it came in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class MailParseError(Exception):
    """The file is not an email we can read; the message says why, for the quarantine list."""


@dataclass(frozen=True)
class MailPart:
    """An attachment, an inline image or an attached message, decoded to bytes."""

    filename: str
    mime_type: str
    data: bytes
    inline: bool = False
    content_id: str | None = None


@dataclass(frozen=True)
class ParsedMessage:
    source_format: str  # "eml" or "msg"
    subject: str
    body: str
    sender_name: str | None
    sender_address: str | None
    date: datetime | None
    message_id: str | None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    parts: tuple[MailPart, ...] = ()
    # Charset, encoding and structure problems that were repaired rather than refused.
    repairs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this one answers, most specific first (In-Reply-To, then newest reference)."""
        seen: dict[str, None] = {}
        for message_id in (*self.in_reply_to, *reversed(self.references)):
            seen.setdefault(message_id, None)
        return tuple(seen)
