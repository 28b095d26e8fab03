"""Header values that tolerate what real mail holds: odd Message-IDs, subjects, dates, addresses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from desktop_app.domain.ids import NUMBER_PREFIX

MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# "[INC-000123]" or "INC-000123" anywhere in the subject, as our replies and agents write it.
INCIDENT_IN_SUBJECT = re.compile(rf"\b{NUMBER_PREFIX}(\d{{1,9}})\b", re.IGNORECASE)
# Reply and forward prefixes in the languages our users write ("Re:", "AW:", "Fwd:", "SV:", "RE[2]:").
REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rif)(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def message_ids(value: str | None) -> tuple[str, ...]:
    """Every ``<id>`` in a header; a bare id without brackets (seen from some clients) counts too."""
    if not value:
        return ()
    found = MESSAGE_ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return tuple(dict.fromkeys(found))


def first_message_id(value: str | None) -> str | None:
    ids = message_ids(value)
    return ids[0] if ids else None


def incident_number_in(subject: str) -> int | None:
    match = INCIDENT_IN_SUBJECT.search(subject or "")
    return int(match.group(1)) if match else None


def title_from_subject(subject: str) -> str:
    """The subject without reply prefixes and our own ``[INC-…]`` tag, on one line."""
    text = one_line(subject)
    text = re.sub(rf"\[\s*{NUMBER_PREFIX}\d+\s*\]", "", text, flags=re.IGNORECASE)
    return REPLY_PREFIX.sub("", text).strip()


def one_line(text: str | None) -> str:
    return " ".join(CONTROL_CHARS.sub(" ", text or "").split())


def without_control_chars(text: str) -> str:
    """Keep tabs and line breaks; drop what a text field refuses (NUL, form feeds, escapes)."""
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_date(value: str | None) -> datetime | None:
    """RFC 5322 date to aware UTC; a date without a zone is taken as UTC, nonsense as missing."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_sender(value: str | None) -> tuple[str | None, str | None]:
    """(display name, address) of the first mailbox; either may be missing."""
    if not value:
        return None, None
    try:
        pairs = getaddresses([one_line(str(value))])
    except (TypeError, ValueError, IndexError):
        pairs = []
    for name, address in pairs:
        address = address.strip()
        if "@" not in address:
            address = ""
        if name.strip() or address:
            return (one_line(name) or None), (address.casefold() or None)
    return None, None
