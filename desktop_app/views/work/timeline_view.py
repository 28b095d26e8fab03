"""The incident timeline: notes, field and status changes, escalations (and attachments), newest first.

A row of toggles filters by kind; the choice stays when another incident is shown.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtWidgets import QGridLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.domain.timeline import TimelineEntry, TimelineKind, build_timeline

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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)

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
        if not entries:
            hidden = len(everything) - len(entries)
            note = f"{hidden} hidden by the filters." if hidden else "Nothing yet."
            self.browser.setHtml(f"<p style='color:#607d8b'>{note}</p>")
            return
        self.browser.setHtml("".join(_entry_html(entry) for entry in entries))


def _entry_html(entry: TimelineEntry) -> str:
    colour = KIND_COLOURS[entry.kind]
    when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
    body = html.escape(entry.body).replace("\n", "<br>") if entry.body else ""
    head = (
        f"<b style='color:{colour}'>{html.escape(entry.title)}</b> · {html.escape(entry.actor or 'unknown')} · "
        f"<span style='color:#607d8b'>{when}</span>"
    )
    return f"<p style='margin:2px 0 8px 0'>{head}{'<br>' + body if body else ''}</p>"
