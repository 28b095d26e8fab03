"""The canned-response renderer: values filled, missing and unknown placeholders warned about, braces kept."""

from __future__ import annotations

from desktop_app.domain.canned_responses import SEED_TEMPLATES, first_name, placeholders_in, render

VALUES = {
    "reporter.first_name": "Ada",
    "reporter.name": "Ada Lovelace",
    "incident.number": "INC-000042",
    "incident.title": "Printer jams",
    "agent.name": "Terry Tester",
    "workaround": None,
}


def test_known_placeholders_are_filled():
    result = render("Hello {reporter.first_name}, {incident.number} ({incident.title}). {agent.name}", VALUES)
    assert result.text == "Hello Ada, INC-000042 (Printer jams). Terry Tester"
    assert result.warnings == []


def test_a_placeholder_without_a_value_stays_visible_and_is_warned_about():
    result = render("Try this: {workaround}\nAgain: {workaround}", VALUES)
    assert result.text == "Try this: {workaround}\nAgain: {workaround}"
    assert result.missing == ("workaround",)
    assert result.warnings == ["No value for {workaround} on this incident: replace it in the text."]


def test_a_blank_value_counts_as_missing():
    assert render("{incident.title}", {"incident.title": "   "}).missing == ("incident.title",)


def test_unknown_placeholders_are_warnings_not_crashes():
    result = render("Hi {reporter.frist_name} {0} {incident.__class__} {agent.name!r} {agent.name:>30}", VALUES)
    assert result.unknown == ("reporter.frist_name", "0", "incident.__class__", "agent.name!r", "agent.name:>30")
    assert "Terry" not in result.text  # a conversion or format spec is never interpreted
    assert result.text.startswith("Hi {reporter.frist_name} {0} {incident.__class__}")


def test_double_braces_are_literal_braces():
    result = render('JSON looks like {{"a": 1}} for {reporter.first_name}', VALUES)
    assert result.text == 'JSON looks like {"a": 1} for Ada'


def test_a_lone_brace_keeps_its_line_as_typed_and_the_rest_renders():
    result = render("Set x = {\nHello {reporter.first_name}\nclose }", VALUES)
    assert result.text == "Set x = {\nHello Ada\nclose }"
    assert len(result.syntax_problems) == 2
    assert "single {" in result.warnings[0]


def test_placeholders_in_lists_each_name_once():
    assert placeholders_in("{a} {b} {a} {{c}}") == ["a", "b"]


def test_seed_templates_use_only_known_placeholders():
    for template in SEED_TEMPLATES:
        assert render(template.subject + template.body, {}).unknown == ()


def test_first_name():
    assert first_name("  Ada  Lovelace ") == "Ada"
    assert first_name("") is None
