"""The search box's little language: words, "phrases", prefix*, and field:value terms.

``status:open priority:P1 reporter:smith "no dial tone" print*`` parses into text terms (for the
FTS5 index) and field filters (for indexed columns). Malformed input raises ``SearchSyntaxError``
with a message that says what is wrong and where; it never reaches SQLite as a broken MATCH.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.domain.enums import Channel, Priority, Status
from desktop_app.domain.errors import ValidationError

# Fields searched through the full-text index (FTS5 column names).
TEXT_FIELDS = {
    "title": "title",
    "description": "description",
    "reporter": "reporter",
    "notes": "notes",
    "note": "notes",
}
# Fields that become filters on indexed columns; the service resolves names to ids.
FILTER_FIELDS = ("status", "priority", "channel", "assignee", "group", "category", "number", "drill")
KNOWN_FIELDS = tuple(sorted({*TEXT_FIELDS, *FILTER_FIELDS}))
OPEN_WORD = "open"
NUMBER_PATTERN = re.compile(r"^(?:inc-?|#)?0*(\d{1,9})$", re.IGNORECASE)
_WORD_CHARS = re.compile(r"\w", re.UNICODE)


class SearchSyntaxError(ValidationError):
    """The search text cannot be understood; the message says why."""

    code = "search_syntax"


@dataclass(frozen=True)
class TextTerm:
    text: str
    kind: str = "word"  # "word", "phrase" or "prefix"
    column: str | None = None  # an FTS5 column, or None for every column

    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        expression = quoted + ("*" if self.kind == "prefix" else "")
        return f"{self.column} : {expression}" if self.column else expression


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[TextTerm, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def has_text(self) -> bool:
        return bool(self.terms)

    def fts_expression(self) -> str:
        """The FTS5 MATCH text: every term must match (implicit AND)."""
        return " AND ".join(term.fts() for term in self.terms)

    def highlight_words(self, column: str | None = None) -> tuple[tuple[str, bool], ...]:
        """(word, is_prefix) pairs for highlighting matches in the detail pane; with ``column``
        (an FTS5 column: title, description, notes) only the terms that can match there."""
        words: list[tuple[str, bool]] = []
        for term in self.terms:
            if column is not None and term.column not in (None, column):
                continue
            for word in re.findall(r"\w+", term.text, re.UNICODE):
                words.append((word, term.kind == "prefix"))
        return tuple(words)


def parse_search(text: str) -> SearchQuery:
    terms: list[TextTerm] = []
    filters: dict[str, list[str]] = {}
    for token, position, quoted in _tokens(text):
        if quoted:
            _add_text(terms, token, "phrase", None, position)
            continue
        name, sep, value = token.partition(":")
        if sep and name and re.fullmatch(r"[A-Za-z_]+", name):
            _field_term(name.lower(), value, position, terms, filters)
            continue
        if token.startswith("-") and _WORD_CHARS.search(token):
            raise SearchSyntaxError(
                f"Excluding words is not supported (“{token}” at character {position + 1}); remove the minus sign."
            )
        number = NUMBER_PATTERN.match(token)
        if number and not token.isdigit():
            filters.setdefault("number", []).append(number.group(1))
            continue
        _word_or_prefix(terms, token, None, position)
    return SearchQuery(tuple(terms), {key: tuple(values) for key, values in filters.items()})


def _field_term(name: str, value: str, position: int, terms: list[TextTerm], filters: dict[str, list[str]]) -> None:
    phrase = value.startswith('"')
    if phrase:
        value = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
    if not value.strip():
        raise SearchSyntaxError(f"“{name}:” at character {position + 1} needs a value, like {name}:{_example(name)}.")
    if name in TEXT_FIELDS:
        if phrase:
            _add_text(terms, value, "phrase", TEXT_FIELDS[name], position)
        else:
            _word_or_prefix(terms, value, TEXT_FIELDS[name], position)
        return
    if name not in FILTER_FIELDS:
        raise SearchSyntaxError(f"There is no field “{name}:”. Use one of: {', '.join(KNOWN_FIELDS)}.")
    filters.setdefault(name, []).append(_check_value(name, value.strip(), position))


def _check_value(name: str, value: str, position: int) -> str:
    lowered = value.lower()
    if name == "status":
        if lowered == OPEN_WORD:
            return OPEN_WORD
        wanted = lowered.replace("-", "_").replace(" ", "_")
        if wanted in {s.value for s in Status}:
            return wanted
        choices = ", ".join(["open", *(s.value for s in Status)])
        raise SearchSyntaxError(f"“status:{value}” is not a status. Use one of: {choices}.")
    if name == "priority":
        wanted = lowered if lowered.startswith("p") else f"p{lowered}"
        if wanted.upper() in {p.value for p in Priority}:
            return wanted.upper()
        raise SearchSyntaxError(f"“priority:{value}” is not a priority. Use P1 to P5.")
    if name == "channel":
        if lowered in {c.value for c in Channel}:
            return lowered
        raise SearchSyntaxError(
            f"“channel:{value}” is not a channel. Use one of: {', '.join(c.value for c in Channel)}."
        )
    if name == "number":
        match = NUMBER_PATTERN.match(value)
        if not match:
            raise SearchSyntaxError(f"“number:{value}” is not an incident number (like INC-000123 or 123).")
        return match.group(1)
    if name == "drill":
        if lowered in ("yes", "true", "1", "no", "false", "0"):
            return "yes" if lowered in ("yes", "true", "1") else "no"
        raise SearchSyntaxError(f"“drill:{value}” must be yes or no.")
    return value  # assignee, group, category: names the service resolves


def _example(name: str) -> str:
    return {
        "status": "open",
        "priority": "P1",
        "channel": "email",
        "number": "INC-000123",
        "drill": "yes",
        "assignee": "me",
        "category": "Network",
    }.get(name, "smith")


def _word_or_prefix(terms: list[TextTerm], token: str, column: str | None, position: int) -> None:
    if token.endswith("*"):
        stem = token.rstrip("*")
        if not _WORD_CHARS.search(stem):
            raise SearchSyntaxError(
                f"“{token}” at character {position + 1}: put at least one letter before * (like print*)."
            )
        if "*" in stem:
            raise SearchSyntaxError(f"“{token}”: * may only end a word (like print*).")
        _add_text(terms, stem, "prefix", column, position)
        return
    if "*" in token:
        raise SearchSyntaxError(f"“{token}”: * may only end a word (like print*).")
    _add_text(terms, token, "word", column, position)


def _add_text(terms: list[TextTerm], text: str, kind: str, column: str | None, position: int) -> None:
    if not _WORD_CHARS.search(text):
        if kind == "phrase":
            raise SearchSyntaxError(f"The phrase at character {position + 1} has no words to search for.")
        return  # punctuation on its own: nothing to look for, and nothing wrong either
    terms.append(TextTerm(text, kind, column))


def _tokens(text: str) -> list[tuple[str, int, bool]]:
    """(token, start, is_quoted_phrase); a field's quoted value stays with its field."""
    tokens: list[tuple[str, int, bool]] = []
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        start = index
        if text[index] == '"':
            end = text.find('"', index + 1)
            if end < 0:
                raise SearchSyntaxError(f'The quote at character {start + 1} is not closed; add a closing ".')
            tokens.append((text[index + 1 : end], start, True))
            index = end + 1
            continue
        while index < length and not text[index].isspace():
            if text[index] == '"':
                end = text.find('"', index + 1)
                if end < 0:
                    raise SearchSyntaxError(f'The quote at character {index + 1} is not closed; add a closing ".')
                index = end
            index += 1
        tokens.append((text[start:index], start, False))
    return tokens
