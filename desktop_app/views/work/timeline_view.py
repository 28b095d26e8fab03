"""The incident timeline: notes, field and status changes, escalations (and attachments), newest first.

A row of toggles filters by kind; the choice stays when another incident is shown. The queue's
search words are marked in the entries (notes are searched too); the first entry that has one is
scrolled into view, and a line above says how many have them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.domain.timeline import TimelineEntry, TimelineKind, build_timeline
from desktop_app.views.search_highlight import Words, mark_html

FIRST_MATCH_ANCHOR = "first-search-match"

KIND_COLOURS = {
    TimelineKind.NOTE: "#263238",
    TimelineKind.COMMUNICATION: "#1b5e20",
    TimelineKind.FIELD: "#37474f",
    TimelineKind.STATUS: "#0d47a1",
    TimelineKind.ASSIGNMENT: "#4527a0",
    TimelineKind.ESCALATION: "#b71c1c",
    TimelineKind.ATTACHMENT: "#6d4c41",
}

SHORT_LABELS = {
    TimelineKind.NOTE: "Notes",
    TimelineKind.COMMUNICATION: "Comms",
    TimelineKind.FIELD: "Fields",
    TimelineKind.STATUS: "Status",
    TimelineKind.ASSIGNMENT: "Assign",
    TimelineKind.ESCALATION: "Escalations",
    TimelineKind.ATTACHMENT: "Files",
}


class TimelineView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []
        self._extra: list[TimelineEntry] = []  # from elsewhere (attachments), for the incident shown
        self._incident_id: object = None
        self._words: Words = ()
        self._found_elsewhere = False  # the title or description has the search words too
        self.matched_keys: list[str] = []  # entries shown with a search word, in display order
        self.filters: dict[TimelineKind, QPushButton] = {}
        # Chips in rows of four: the detail pane is often narrow.
        bar = QGridLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        for index, kind in enumerate(TimelineKind):
            button = QPushButton(SHORT_LABELS[kind], objectName=f"timelineFilter_{kind.value}")
            button.setCheckable(True)
            button.setChecked(True)
            button.setToolTip(f"Show or hide {kind.label.lower()} in the timeline")
            button.setStyleSheet(
                f"QPushButton {{ padding: 1px 6px; border: 1px solid #cfd8dc; border-radius: 9px; color: #90a4ae; }}"
                f"QPushButton:checked {{ background: #eceff1; color: {KIND_COLOURS[kind]}; font-weight: bold; }}"
            )
            button.toggled.connect(self._render)
            self.filters[kind] = button
            bar.addWidget(button, index // 4, index % 4)
        self.browser = QTextBrowser(objectName="detailTimeline")
        self.browser.setMinimumHeight(160)
        self.browser.setOpenLinks(False)
        self.match_label = QLabel(objectName="timelineSearchMatches")
        self.match_label.setStyleSheet("background: #fff9c4; color: #5d4037; padding: 2px 6px;")
        self.match_label.setWordWrap(True)
        self.match_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.match_label)
        layout.addWidget(self.browser, 1)

    def set_highlight(self, words: Words, *, found_elsewhere: bool = False) -> None:
        """Mark these words; ``found_elsewhere`` says whether the title or description has them
        (when not, the line above the timeline says the match is only here)."""
        if (tuple(words), found_elsewhere) != (self._words, self._found_elsewhere):
            self._words, self._found_elsewhere = tuple(words), found_elsewhere
            self._render()

    def show_entries(self, entries: Iterable[TimelineEntry], incident_id: object = None) -> None:
        if incident_id != self._incident_id:
            self._extra = []
        self._incident_id = incident_id
        self._entries = list(entries)
        self._render()

    def set_extra(self, incident_id: object, entries: Iterable[TimelineEntry]) -> None:
        """Entries loaded separately (attachments); ignored when another incident is shown by now."""
        if incident_id == self._incident_id:
            self._extra = list(entries)
            self._render()

    def shown_kinds(self) -> list[TimelineKind]:
        return [kind for kind, button in self.filters.items() if button.isChecked()]

    def set_only(self, *kinds: TimelineKind) -> None:
        for kind, button in self.filters.items():
            button.setChecked(not kinds or kind in kinds)

    def toPlainText(self) -> str:
        return self.browser.toPlainText()

    def _render(self) -> None:
        everything = [*self._entries, *self._extra]
        entries = build_timeline(everything, self.shown_kinds())
        self.matched_keys = []
        if not entries:
            hidden = len(everything) - len(entries)
            note = f"{hidden} hidden by the filters." if hidden else "Nothing yet."
            self.browser.setHtml(f"<p style='color:#607d8b'>{note}</p>")
            self._show_matches()
            return
        parts = []
        for entry in entries:
            body, found = mark_html(entry.body or "", self._words)
            if found:
                self.matched_keys.append(entry.key)
            parts.append(_entry_html(entry, body, first_match=found and len(self.matched_keys) == 1))
        self.browser.setHtml("".join(parts))
        self._show_matches()
        if self.matched_keys:
            self.browser.scrollToAnchor(FIRST_MATCH_ANCHOR)

    def _show_matches(self) -> None:
        count = len(self.matched_keys)
        if not count:
            self.match_label.hide()
            return
        entries = "1 timeline entry has" if count == 1 else f"{count} timeline entries have"
        where = "" if self._found_elsewhere else "Only in the activity: "
        self.match_label.setText(f"{where}{entries} the search words (marked; the first is scrolled to).")
        self.match_label.show()


def _entry_html(entry: TimelineEntry, body: str, *, first_match: bool = False) -> str:
    """One entry; ``body`` is already HTML (escaped, search words marked)."""
    colour = KIND_COLOURS[entry.kind]
    when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
    anchor = f"<a name='{FIRST_MATCH_ANCHOR}'></a>" if first_match else ""
    head = (
        f"{anchor}<b style='color:{colour}'>{html.escape(entry.title)}</b> · "
        f"{html.escape(entry.actor or 'unknown')} · <span style='color:#607d8b'>{when}</span>"
    )
    return f"<p style='margin:2px 0 8px 0'>{head}{'<br>' + body if body else ''}</p>"
