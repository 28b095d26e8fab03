"""Turning a text part's bytes into str when its declared charset is wrong, unknown or missing."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from charset_normalizer import from_bytes

# Mail clients label Windows code pages with the ISO names; decoding with the superset loses nothing.
# Keys are codecs.lookup() names.
SUPERSETS = {"iso8859-1": "cp1252", "ascii": "cp1252", "gb2312": "gb18030"}
# Detection on a huge part costs time and says nothing more than its start does.
DETECTION_SAMPLE = 64 * 1024


def decode_text(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """The text, and a note for the import log when it needed repair (None when it decoded as declared)."""
    for encoding, note in _candidates(data, declared):
        try:
            return data.decode(encoding), note
        except (UnicodeDecodeError, LookupError):
            continue  # wrong guess: the next candidate
    return data.decode("utf-8", errors="replace"), f"declared {declared or 'no charset'}, undecodable bytes replaced"


def _candidates(data: bytes, declared: str | None) -> Iterator[tuple[str, str | None]]:
    """Encodings to try in turn: the declared one (or its superset), UTF-8, then a detected one."""
    name = _codec_name(declared)
    if name is not None:
        yield SUPERSETS.get(name, name), None
    yield "utf-8", None if declared is None else f"declared {declared} but was UTF-8"
    # Detection runs only when the cheaper guesses failed.
    best = from_bytes(data[:DETECTION_SAMPLE]).best()
    if best is not None:
        yield best.encoding, f"declared {declared or 'no charset'}, decoded as {best.encoding}"


def _codec_name(declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        return codecs.lookup(declared.strip().strip('"').lower()).name
    except (LookupError, ValueError):
        return None
