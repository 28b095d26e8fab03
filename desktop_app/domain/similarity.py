"""Words to look for when finding similar incidents and known errors: pure text handling."""

from __future__ import annotations

import re

# Common words that match everything and rank nothing.
STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        """
    a an and are as at be been but by can cannot could did do does for from had has have he her his how i if in
    into is it its me my no not of on or our she so than that the their them then there these they this to too
    up us was we were what when where which who why will with would you your yes since after before every again
    all any also just only very still while about please help issue problem error
""",
    )
)
WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
MAX_TERMS = 24


def search_terms(*texts: str | None) -> list[str]:
    """Distinct lower-case words of three letters or more, stopwords out, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in WORD.findall((text or "").casefold()):
            if word not in STOPWORDS and not word.isdigit():
                seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def fts_any_of(terms: list[str], columns: tuple[str, ...] = ("title", "description")) -> str | None:
    """An FTS5 query matching any of the terms in the given columns; None when there is nothing to match."""
    if not terms:
        return None
    quoted = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return f"{{{' '.join(columns)}}} : ({quoted})"


def overlap_score(terms: list[str], *texts: str | None) -> float:
    """The share of the terms found in the texts: ranks the few known errors of a category."""
    if not terms:
        return 0.0
    found = set(search_terms(*texts))
    return sum(1 for term in terms if term in found) / len(terms)
