"""The search language: words, phrases, prefixes, field terms, and clear errors for malformed input."""

from __future__ import annotations

import pytest

from desktop_app.domain.search_query import SearchSyntaxError, TextTerm, parse_search


def test_words_phrases_and_prefixes_become_fts_terms() -> None:
    query = parse_search('printer "no dial tone" vpn*')
    assert query.terms == (
        TextTerm("printer"),
        TextTerm("no dial tone", "phrase"),
        TextTerm("vpn", "prefix"),
    )
    assert query.fts_expression() == '"printer" AND "no dial tone" AND "vpn"*'


def test_field_terms_split_into_filters_and_column_searches() -> None:
    query = parse_search('status:open priority:p1 reporter:smith title:"blue screen" channel:EMAIL')
    assert query.filters == {"status": ("open",), "priority": ("P1",), "channel": ("email",)}
    assert query.terms == (TextTerm("smith", "word", "reporter"), TextTerm("blue screen", "phrase", "title"))
    assert query.fts_expression() == 'reporter : "smith" AND title : "blue screen"'


def test_incident_numbers_are_exact_filters() -> None:
    assert parse_search("INC-000123").filters == {"number": ("123",)}
    assert parse_search("#42 number:7").filters == {"number": ("42", "7")}
    assert parse_search("2024").terms == (TextTerm("2024"),)  # bare digits are text (years, codes)


def test_quotes_inside_terms_are_escaped_for_fts() -> None:
    assert TextTerm('say "hi"', "phrase").fts() == '"say ""hi"""'


def test_punctuation_alone_is_ignored_and_highlight_words_listed() -> None:
    query = parse_search("-- ! wi-fi print*")
    assert query.highlight_words() == (("wi", False), ("fi", False), ("print", True))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"no dial tone', "quote at character 1 is not closed"),
        ('title:"blue', "is not closed"),
        ("status:", "needs a value"),
        ("colour:red", "There is no field “colour:”"),
        ("status:sleeping", "is not a status"),
        ("priority:P9", "Use P1 to P5"),
        ("channel:fax", "is not a channel"),
        ("number:abc", "is not an incident number"),
        ("drill:maybe", "yes or no"),
        ("*", "at least one letter before *"),
        ("pr*nt", "* may only end a word"),
        ("-printer", "Excluding words is not supported"),
        ('"  "', "has no words"),
    ],
)
def test_malformed_queries_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as caught:
        parse_search(text)
    assert message in caught.value.message
    assert caught.value.code == "search_syntax"
