"""Text checks shared by every form: clean_text and the title made from a description."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.errors import ValidationError
from desktop_app.domain.limits import TITLE_MAX, clean_text, title_from_description

CONTROL = [chr(c) for c in range(32) if chr(c) not in "\n\r\t"]


@given(text=st.text(), limit=st.integers(min_value=1, max_value=60))
def test_clean_text_never_returns_more_than_the_limit(text: str, limit: int) -> None:
    stripped = text.strip()
    if len(stripped) > limit or any(ch in CONTROL for ch in stripped):
        with pytest.raises(ValidationError) as info:
            clean_text(text, field="f", label="The field", max_len=limit)
        assert info.value.field == "f"
        return
    result = clean_text(text, field="f", label="The field", max_len=limit)
    assert result == (stripped or None)
    assert result is None or len(result) <= limit


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40))
def test_clean_text_strips_and_keeps_the_inside(body: str) -> None:
    result = clean_text(f"  \t{body}\n ", field="f", label="F", max_len=100)
    assert result == (body.strip() or None)


@given(st.text(max_size=10), st.sampled_from(CONTROL), st.text(max_size=10))
def test_control_characters_are_rejected(before: str, control: str, after: str) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        clean_text(f"x{before}{control}{after}x", field="f", label="F", max_len=1000)


def test_newlines_and_tabs_are_fine_inside() -> None:
    assert clean_text(" line one\n\tline two\r\n ", field="f", label="F", max_len=100) == "line one\n\tline two"


def test_empty_optional_is_none_and_empty_required_is_refused() -> None:
    assert clean_text("   ", field="f", label="F", max_len=10) is None
    assert clean_text(None, field="f", label="F", max_len=10) is None
    with pytest.raises(ValidationError, match="The title is required") as info:
        clean_text(" \n ", field="title", label="The title", max_len=10, required=True)
    assert info.value.field == "title"


def test_too_long_names_the_length_and_limit() -> None:
    with pytest.raises(ValidationError, match="is 1,001 characters long; the limit is 1,000"):
        clean_text("x" * 1001, field="f", label="F", max_len=1000)


def test_title_is_the_first_line() -> None:
    assert title_from_description("\n  Printer jams  \nsince Monday, floor 3") == "Printer jams"


def test_long_first_line_is_cut_at_a_word() -> None:
    line = "Outlook crashes " * 10
    title = title_from_description(line)
    assert title.endswith("…")
    assert len(title) <= 81
    assert line.startswith(title[:-1])
    assert not title[:-1].endswith(" ")
    assert title[:-1].split()[-1] == "Outlook" or title[:-1].split()[-1] == "crashes"


def test_no_blank_before_the_ellipsis() -> None:
    assert title_from_description("Mail" + " " * 90 + "bounces") == "Mail…"


def test_long_word_without_spaces_is_cut_hard() -> None:
    assert title_from_description("x" * 200) == "x" * 80 + "…"


@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_title_from_any_description_is_short_and_from_the_text(description: str) -> None:
    title = title_from_description(description)
    assert 0 < len(title) <= min(81, TITLE_MAX)
    assert title.removesuffix("…") in description
    assert "\n" not in title
    assert title == title.strip()
    assert not title.removesuffix("…").endswith(" ")
