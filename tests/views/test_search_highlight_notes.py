"""The search words are marked in the detail pane's timeline too (notes are searched), escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.domain.search_query import parse_search
from desktop_app.domain.timeline import TimelineEntry, TimelineKind
from desktop_app.views.main_window import MainWindow
from desktop_app.views.search_highlight import FieldWords, mark_html
from desktop_app.views.work.timeline_view import TimelineView
from tests.support.fakes import FixedClock

MARKED = '<span style="background-color: #fff176;">{}</span>'
NOTE = 'Swapped the <b>toner</b> & "drum"; <script>alert(1)</script> TONER-2 ok'


def test_marks_are_made_on_escaped_text() -> None:
    marked, found = mark_html(NOTE, (("toner", False), ("alert", False)))
    assert found
    assert marked == (
        f"Swapped the &lt;b&gt;{MARKED.format('toner')}&lt;/b&gt; &amp; &quot;drum&quot;; "
        f"&lt;script&gt;{MARKED.format('alert')}(1)&lt;/script&gt; {MARKED.format('TONER')}-2 ok"
    )
    assert mark_html("a < b\nc", ()) == ("a &lt; b<br>c", False)


def test_field_terms_mark_only_their_field() -> None:
    words = FieldWords.of(parse_search('title:vpn notes:"paper jam" print* reporter:smith status:open'))
    assert words.title == (("vpn", False), ("print", True))
    assert words.description == (("print", True),)
    assert words.notes == (("paper", False), ("jam", False), ("print", True))
    assert FieldWords.of((("x", False),)) == FieldWords((("x", False),), (("x", False),), (("x", False),))


def test_the_first_matching_entry_is_scrolled_into_view(qtbot: QtBot) -> None:
    timeline = TimelineView()
    qtbot.addWidget(timeline)
    timeline.resize(400, 200)
    timeline.show()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    entries = [
        TimelineEntry(start + timedelta(minutes=n), TimelineKind.NOTE, "Worklog", f"Checked cable {n}", "Ann", f"n{n}")
        for n in range(1, 40)
    ]
    entries.append(TimelineEntry(start, TimelineKind.NOTE, "Worklog", NOTE, "Ann", "n0"))  # the oldest: last
    timeline.show_entries(entries, "incident")
    assert timeline.browser.verticalScrollBar().value() == 0
    assert timeline.match_label.isHidden()
    timeline.set_highlight((("toner", False),))
    assert timeline.matched_keys == ["n0"]
    assert timeline.browser.verticalScrollBar().value() > 0, "scrolled down to the oldest entry"
    assert "Only in the activity: 1 timeline entry has the search words" in timeline.match_label.text()
    assert "<script>alert(1)</script>" in timeline.toPlainText(), "user text shown as text, never as HTML"
    timeline.set_highlight((("toner", False),), found_elsewhere=True)
    assert timeline.match_label.text().startswith("1 timeline entry has")
    timeline.set_highlight(())
    assert timeline.matched_keys == []
    assert timeline.match_label.isHidden()


def test_a_search_that_matches_only_a_note_marks_it_in_the_detail_pane(
    qtbot: QtBot, context: AppContext, clock: FixedClock, make_incident: Callable[..., Any], runner, bus
) -> None:
    incident = make_incident("The screen flickers", title="Monitor flickers")
    clock.advance(minutes=3)
    context.incidents.add_note(incident.id, NOTE)
    make_incident("Toner smeared on every page", title="Printer toner")
    window = MainWindow(context, runner, bus)
    qtbot.addWidget(window)
    window.resize(1200, 600)
    window.show()
    window.queue.search.setText("toner")
    window.queue_navigator._apply_search()
    assert window.queue_model.rowCount() == 2
    window.queue.select_incident(incident.id)
    detail = window.detail
    assert detail.detail.id == incident.id
    assert "span" not in detail.title.text()
    assert detail.timeline.matched_keys
    assert detail.timeline.match_label.isVisibleTo(window)
    assert detail.timeline.match_label.text().startswith("Only in the activity")
    scrolled = detail._scroll.verticalScrollBar()
    assert scrolled.maximum() > 0, "a short window: the activity is below the fold"
    qtbot.waitUntil(lambda: scrolled.value() > 0, timeout=2000)  # brought into view
    assert '<span style=" background-color:#fff176;">toner</span>' in detail.timeline.browser.toHtml()
    assert "<script>alert(1)</script>" in detail.timeline.toPlainText()
    # A notes: term marks the note, not the title; a title: term marks nothing in the notes.
    window.queue.search.setText("title:toner")
    window.queue_navigator._apply_search()
    window.queue.select_incident(window.queue_model.summary_at(0).id)
    assert "fff176" in detail.title.text()
    assert detail.timeline.matched_keys == []
    window.queue.search.setText("")
    window.queue_navigator._apply_search()
    assert detail.timeline.match_label.isHidden()
