"""Argument values as people type them → domain values; argparse turns a refusal into a usage error."""

from __future__ import annotations

import argparse
import re
from datetime import datetime

from desktop_app.domain.enums import Channel, HoldReason, NoteKind, Priority, Status

# Words people use for a state that the vocabulary spells differently.
STATUS_SYNONYMS = {"cancelled": Status.CANCELED, "hold": Status.ON_HOLD, "reopen": Status.IN_PROGRESS}
HOLD_SHORT_FORMS = {
    "caller": HoldReason.AWAITING_CALLER,
    "vendor": HoldReason.AWAITING_VENDOR,
    "change": HoldReason.AWAITING_CHANGE,
    "problem": HoldReason.AWAITING_PROBLEM,
}
HAND_WRITTEN_NOTE_KINDS = tuple(kind.value for kind in NoteKind if kind not in (NoteKind.SYSTEM, NoteKind.ESCALATION))


def _key(text: str) -> str:
    """'In-Progress', 'in progress' and 'in_progress' all become 'in_progress'."""
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def status_value(text: str) -> Status:
    key = _key(text)
    if key in STATUS_SYNONYMS:
        return STATUS_SYNONYMS[key]
    try:
        return Status(key)
    except ValueError:
        known = ", ".join(s.value.replace("_", "-") for s in Status)
        raise argparse.ArgumentTypeError(f"unknown status {text!r} (choose from {known})") from None


def hold_reason_value(text: str) -> HoldReason:
    key = _key(text)
    if key in HOLD_SHORT_FORMS:
        return HOLD_SHORT_FORMS[key]
    try:
        return HoldReason(key)
    except ValueError:
        known = ", ".join([*HOLD_SHORT_FORMS, *(r.value.replace("_", "-") for r in HoldReason)])
        raise argparse.ArgumentTypeError(f"unknown hold reason {text!r} (choose from {known})") from None


def channel_value(text: str) -> Channel:
    key = _key(text).replace("_", "-")
    try:
        return Channel(key)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise argparse.ArgumentTypeError(f"unknown channel {text!r} (choose from {known})") from None


def priority_value(text: str) -> Priority:
    key = text.strip().upper()
    if key.isdigit():
        key = f"P{key}"
    try:
        return Priority(key)
    except ValueError:
        raise argparse.ArgumentTypeError(f"unknown priority {text!r} (choose from P1, P2, P3, P4, P5)") from None


def note_kind_value(text: str) -> NoteKind:
    key = _key(text)
    if key not in HAND_WRITTEN_NOTE_KINDS:
        raise argparse.ArgumentTypeError(
            f"unknown note kind {text!r} (choose from {', '.join(HAND_WRITTEN_NOTE_KINDS)})"
        )
    return NoteKind(key)


def level_value(text: str) -> int:
    """Impact and urgency: 1 (most severe) to 3."""
    if text.strip() not in ("1", "2", "3"):
        raise argparse.ArgumentTypeError(f"{text!r} is not 1, 2 or 3 (1 is the most severe)")
    return int(text)


def moment_value(text: str) -> datetime:
    """ISO 8601; a time without a zone is this computer's local time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time (like 2025-03-04T09:30 or 2025-03-04T09:30:00+01:00)"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def count_value(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def positive_value(text: str) -> int:
    value = count_value(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
