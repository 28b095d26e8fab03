"""Marks the words of the queue's search in a text shown in a QLabel (the detail pane)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

MARK = '<span style="background-color: #fff176;">{}</span>'


def highlight_html(text: str, words: Sequence[tuple[str, bool]]) -> str | None:
    """``text`` as HTML with each searched word marked (whole words; prefixes for ``print*``),
    case-insensitively; None when nothing in it matches."""
    patterns = [r"\b" + re.escape(word) + (r"\w*" if prefix else r"\b") for word, prefix in words if word]
    if not patterns:
        return None
    matcher = re.compile("|".join(patterns), re.IGNORECASE | re.UNICODE)
    pieces, last, found = [], 0, False
    for match in matcher.finditer(text):
        pieces += [html.escape(text[last : match.start()]), MARK.format(html.escape(match.group(0)))]
        last, found = match.end(), True
    if not found:
        return None
    pieces.append(html.escape(text[last:]))
    return "".join(pieces).replace("\n", "<br>")


def set_highlighted(label: QLabel, text: str, words: Sequence[tuple[str, bool]]) -> None:
    marked = highlight_html(text, words)
    label.setTextFormat(Qt.TextFormat.RichText if marked else Qt.TextFormat.PlainText)
    label.setText(marked or text)
