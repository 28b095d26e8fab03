"""The contact directory: type-ahead search, ranking, resolving a name, and what a reporter may hold."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app.context import AppContext
from desktop_app.domain.dtos import ReporterDraft
from desktop_app.domain.errors import NotFoundError, ValidationError
from tests.support.builders import make_reporter
from tests.support.database import count, insert_reporters


@pytest.fixture
def people(context: AppContext) -> AppContext:
    for name, email, phone, vip in [
        ("Ann Smith", "ann.smith@acme.example", "+44 20 7946 0018", False),
        ("Annabel Jones", "a.jones@acme.example", "020 7946 0999", False),
        ("Joanna Smithers", "jo@globex.example", "555-0100", True),
        ("Li Wei", "wei.li@initech.example", "(555) 867-5309", False),
        ("Bob Tables", None, None, False),
    ]:
        make_reporter(context, name, email=email, phone=phone, is_vip=vip)
    return context


def names(context: AppContext, query: str, limit: int = 10) -> list[str]:
    return [r.name for r in context.reporters.search(query, limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("smith", {"Ann Smith", "Joanna Smithers"}),  # part of a name, anywhere
        ("SMITHERS", {"Joanna Smithers"}),  # any case
        ("nn sm", {"Ann Smith"}),  # across the space
        ("initech", {"Li Wei"}),  # part of an e-mail
        ("globex.example", {"Joanna Smithers"}),
        ("7946", {"Ann Smith", "Annabel Jones"}),  # phone digits, whatever the punctuation
        ("867-53", {"Li Wei"}),  # typed as a phone number
        ("(555) 8", {"Li Wei"}),
        ("tables", {"Bob Tables"}),
    ],
)
def test_search_finds_any_part(people: AppContext, query: str, expected: set[str]) -> None:
    assert set(names(people, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a", {"Ann Smith", "Annabel Jones"}),  # name prefixes and e-mail prefixes ("a.jones")
        ("an", {"Ann Smith", "Annabel Jones"}),
        ("jo", {"Joanna Smithers"}),  # e-mail "jo@" and name "Joanna"
        ("55", {"Joanna Smithers", "Li Wei"}),  # phone prefix
        ("B", {"Bob Tables"}),
    ],
)
def test_one_or_two_characters_match_prefixes(people: AppContext, query: str, expected: set[str]) -> None:
    assert set(names(people, query)) == expected


def test_nothing_to_search_for(people: AppContext) -> None:
    assert people.reporters.search("   ") == []
    assert names(people, "zzz") == []
    assert names(people, 'a"b') == []  # quotes cannot break the FTS query


def test_ranking_exact_then_prefix_then_word_then_anywhere(context: AppContext) -> None:
    for name in ["Joanna Ann", "Annette Ray", "Ann", "Dianne Ann-Marie", "Bo Annson"]:
        make_reporter(context, name, email=None)
    assert names(context, "ann") == ["Ann", "Annette Ray", "Bo Annson", "Dianne Ann-Marie", "Joanna Ann"]


def test_vip_first_on_ties(context: AppContext) -> None:
    make_reporter(context, "Sam Adams", email=None)
    make_reporter(context, "Sam Young", email=None, is_vip=True)
    make_reporter(context, "Sam Baker", email=None)
    assert names(context, "sam") == ["Sam Young", "Sam Adams", "Sam Baker"]
    assert [r.is_vip for r in context.reporters.search("sam")] == [True, False, False]


def test_exact_match_wins_in_a_large_directory(context: AppContext) -> None:
    """A common fragment must not crowd the caller's own name out of the candidates."""
    insert_reporters(context, [{"name": f"Joanna Vance {n:03d}", "email": f"jv{n}@x.example"} for n in range(450)])
    make_reporter(context, "Ann", email="ann@y.example")
    make_reporter(context, "Zed Annan", email=None)
    found = names(context, "ann", limit=3)
    assert found[:2] == ["Ann", "Zed Annan"]
    assert names(context, "an", limit=1) == ["Ann"]


def test_limit_is_respected(people: AppContext) -> None:
    assert len(people.reporters.search("a", limit=1)) == 1


def test_index_follows_changes_made_in_sql(people: AppContext) -> None:
    """Triggers keep the FTS index in step with inserts, updates and deletes."""
    with people.engine.begin() as conn:
        conn.execute(
            text("UPDATE reporters SET name = 'Li Wei-Hartmann', name_key = 'li wei-hartmann' WHERE name = 'Li Wei'")
        )
        conn.execute(text("DELETE FROM reporters WHERE name = 'Bob Tables'"))
    assert names(people, "hartm") == ["Li Wei-Hartmann"]
    assert names(people, "tables") == []
    with people.engine.begin() as conn:
        # FTS5 raises "database disk image is malformed" when the index disagrees with the table.
        conn.execute(text("INSERT INTO reporter_search(reporter_search) VALUES ('integrity-check')"))


def test_resolve_by_email_or_full_name(people: AppContext) -> None:
    assert people.reporters.resolve("ANN.SMITH@acme.example").name == "Ann Smith"
    assert people.reporters.resolve("  annabel   JONES ").email == "a.jones@acme.example"


def test_resolve_ambiguous_names_the_candidates(people: AppContext) -> None:
    make_reporter(people, "Ann Smith", email="ann.smith2@acme.example")
    with pytest.raises(ValidationError, match=r"2 reporters match 'ann smith'.*<ann.smith2@acme.example>") as info:
        people.reporters.resolve("ann smith")
    assert info.value.field == "reporter"


def test_resolve_missing_or_empty(people: AppContext) -> None:
    with pytest.raises(NotFoundError, match=r"nobody@acme\.example"):
        people.reporters.resolve("nobody@acme.example")
    with pytest.raises(NotFoundError):
        people.reporters.resolve("Ann")  # a prefix is not a name
    with pytest.raises(ValidationError, match="Name the reporter"):
        people.reporters.resolve("  ")


def test_create_normalises_and_indexes(context: AppContext) -> None:
    result = context.reporters.create(
        ReporterDraft(" Kim  Lo ", email=" Kim.Lo@Example.ORG ", phone=" 0161 496 0000 ", department="Finance")
    )
    reporter = result.value
    assert (reporter.name, reporter.email, reporter.phone) == ("Kim  Lo", "kim.lo@example.org", "0161 496 0000")
    assert reporter.contact_line == "kim.lo@example.org · 0161 496 0000 · Finance"
    assert result.changes.ids("reporter") == {reporter.id}
    assert context.reporters.get(reporter.id) == reporter
    assert names(context, "4960000") == ["Kim  Lo"]


def test_duplicate_email_is_refused_in_any_case(people: AppContext) -> None:
    before = count(people, "reporters")
    with pytest.raises(ValidationError, match="already belongs to Ann Smith") as info:
        people.reporters.create(ReporterDraft("Someone Else", email="Ann.Smith@ACME.example"))
    assert info.value.field == "reporter_email"
    assert count(people, "reporters") == before


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (ReporterDraft("X", email="not-an-email"), "reporter_email"),
        (ReporterDraft("X", email="two@@example.org"), "reporter_email"),
        (ReporterDraft("X", email="no-dot@example"), "reporter_email"),
        (ReporterDraft("X", phone="call me maybe"), "reporter_phone"),
        (ReporterDraft("X", phone="555; DROP TABLE"), "reporter_phone"),
        (ReporterDraft("  "), "reporter_name"),
        (ReporterDraft("N" * 121), "reporter_name"),
    ],
)
def test_bad_reporters_are_refused(context: AppContext, draft: ReporterDraft, field: str) -> None:
    before = count(context, "reporters"), count(context, "outbox")
    with pytest.raises(ValidationError) as info:
        context.reporters.create(draft)
    assert info.value.field == field
    assert (count(context, "reporters"), count(context, "outbox")) == before


def test_unknown_reporter(context: AppContext) -> None:
    with pytest.raises(NotFoundError):
        context.reporters.get(context.directory.me().id)
    assert context.reporters.count() == 0
