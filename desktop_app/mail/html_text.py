"""HTML-only mail to readable text: sanitise with nh3 (ammonia), then lay it out with inscriptis."""

from __future__ import annotations

import re

import nh3
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

# Only structure that changes how the text reads survives; scripts, styles and trackers go.
KEPT_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# Elements whose text is not part of the message at all (nh3 would otherwise keep their text).
DROPPED_WITH_CONTENT = {"script", "style", "head", "title", "template", "noscript"}
_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False)
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=KEPT_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes={"a": {"href"}, "td": {"colspan"}, "th": {"colspan"}},
        link_rel=None,
        strip_comments=True,
    )
    text = get_text(cleaned, _CONFIG) if cleaned.strip() else ""
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
