"""A reply's own words, without the earlier messages it quotes (quotequail finds the quote)."""

from __future__ import annotations

import re

import quotequail

FORWARD_PREFIX = re.compile(r"^\s*(?:fw|fwd|wg|tr|rv)\s*:", re.IGNORECASE)
LEFT_OUT = "[The earlier messages it quotes are left out here; the whole email is attached.]"


def reply_text(body: str, subject: str) -> str:
    """What the sender wrote above the quoted history; the whole body for a forward or no quote.

    Outlook writes replies and forwards alike ("From: … Sent: …" under the new text), so the
    subject tells them apart: a forwarded message is new information and is kept whole.
    """
    if FORWARD_PREFIX.match(subject or ""):
        return body
    try:
        unwrapped = quotequail.unwrap(body)
    except Exception:  # a heuristic parser must never cost the message
        return body
    top = (unwrapped or {}).get("text_top") or ""
    if not top.strip():
        return body
    return f"{top.strip()}\n\n{LEFT_OUT}"
