"""Marks the words of the queue's search in the texts of the detail pane (labels and the timeline)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_app.domain.search_query import SearchQuery

MARK = '<span style="background-color: #fff176;">{}</span>'
Words = tuple[tuple[str, bool], ...]  # (word, is_prefix)


@dataclass(frozen=True)
class FieldWords:
    """The words to mark per searched field: ``title:x`` marks x in the title only, ``notes:y``
    y in the timeline only; words without a field everywhere (``reporter:`` terms nowhere here)."""

    title: Words = ()
    description: Words = ()
    notes: Words = ()

    @classmethod
    def of(cls, search: SearchQuery | Sequence[tuple[str, bool]]) -> FieldWords:
        if isinstance(search, SearchQuery):
            return cls(*(search.highlight_words(column) for column in ("title", "description", "notes")))
        words = tuple(search)
        return cls(words, words, words)


def mark_html(text: str, words: Sequence[tuple[str, bool]]) -> tuple[str, bool]:
    """``text`` as escaped HTML (line breaks kept) with each searched word marked (whole words;
    prefixes for ``print*``), case-insensitively; and whether anything was marked."""
    patterns = [r"\b" + re.escape(word) + (r"\w*" if prefix else r"\b") for word, prefix in words if word]
    pieces, last = [], 0
    if patterns:
        matcher = re.compile("|".join(patterns), re.IGNORECASE | re.UNICODE)
        for match in matcher.finditer(text):
            pieces += [html.escape(text[last : match.start()]), MARK.format(html.escape(match.group(0)))]
            last = match.end()
    found = bool(pieces)
    pieces.append(html.escape(text[last:]))
    return "".join(pieces).replace("\n", "<br>"), found


def highlight_html(text: str, words: Sequence[tuple[str, bool]]) -> str | None:
    """``mark_html``'s HTML, or None when nothing in the text matches."""
    marked, found = mark_html(text, words)
    return marked if found else None


def set_highlighted(label: QLabel, text: str, words: Sequence[tuple[str, bool]]) -> bool:
    """Show ``text`` in the label with the words marked; True when any was."""
    marked = highlight_html(text, words)
    label.setTextFormat(Qt.TextFormat.RichText if marked else Qt.TextFormat.PlainText)
    label.setText(marked or text)
    return marked is not None
