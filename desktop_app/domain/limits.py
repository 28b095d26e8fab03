"""Field lengths and text checks shared by the services, the CLI and the forms."""

from __future__ import annotations

from desktop_app.domain.errors import ValidationError

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
NOTE_MAX = 20_000
NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
SHORT_TEXT_MAX = 120
REASON_MAX = 500


def clean_text(value: str | None, *, field: str, label: str, max_len: int, required: bool = False) -> str | None:
    """Strip, check the length, refuse control characters; ``None`` for an empty optional value."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(f"{label} is required.", field=field)
        return None
    if len(text) > max_len:
        raise ValidationError(
            f"{label} is {len(text):,} characters long; the limit is {max_len:,}.",
            field=field,
        )
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise ValidationError(f"{label} contains control characters.", field=field)
    return text


def title_from_description(description: str) -> str:
    """A title for when the agent typed only the symptom: its first line, cut at a word."""
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    if len(first_line) <= 80:
        return first_line
    cut = first_line[:80].rsplit(" ", 1)[0].rstrip()
    return (cut or first_line[:80]) + "…"
