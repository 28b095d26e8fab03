"""The incident detail pane: fields, description, the timeline of notes and changes, quick actions."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.closure_rules import RESOLUTION_CODES
from desktop_app.domain.dtos import IncidentDetail
from desktop_app.domain.enums import IMPACT_LABELS, URGENCY_LABELS, NoteKind, Status
from desktop_app.domain.search_query import SearchQuery
from desktop_app.domain.status_machine import is_read_only
from desktop_app.domain.timeline import timeline_for
from desktop_app.views.attachments.attachment_strip import AttachmentStrip
from desktop_app.views.resources import icon
from desktop_app.views.search_highlight import FieldWords, set_highlighted
from desktop_app.views.sla.sla_panel import SlaPanel
from desktop_app.views.widgets.error_banner import ErrorBanner
from desktop_app.views.widgets.priority_badge import PriorityBadge
from desktop_app.views.work.timeline_view import FIRST_MATCH_ANCHOR, TimelineView
from desktop_app.views.work.work_bar import WorkBar, WorklogOptions

# Status chips: light backgrounds with dark text, readable at a glance.
STATUS_COLOURS = {
    Status.NEW: ("#e3f2fd", "#0d47a1"),
    Status.ASSIGNED: ("#ede7f6", "#4527a0"),
    Status.IN_PROGRESS: ("#e8f5e9", "#1b5e20"),
    Status.ON_HOLD: ("#fff8e1", "#8d6e00"),
    Status.RESOLVED: ("#e0f2f1", "#004d40"),
    Status.CLOSED: ("#eceff1", "#37474f"),
    Status.CANCELED: ("#eceff1", "#5f6b70"),
}
NOTE_KINDS = (NoteKind.WORKLOG, NoteKind.INVESTIGATION, NoteKind.COMMUNICATION, NoteKind.WORKAROUND)


def when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "–"


class IncidentDetailView(QWidget):
    assign_requested = Signal()
    status_change_requested = Signal()
    note_submitted = Signal(str, object)  # body, NoteKind
    incident_shown = Signal(object)  # IncidentDetail | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: IncidentDetail | None = None
        # The queue's search words, marked in the title, description and timeline (views/search_highlight.py).
        self.highlight = FieldWords()
        self.stack = QStackedWidget()
        self.placeholder = QLabel(
            "Select an incident in the queue, or press Ctrl+N to log a new one.", objectName="detailPlaceholder"
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #607d8b; font-size: 11pt;")
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_detail())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._connect_signals()

    def _build_detail(self) -> QWidget:
        self.number = QLabel(objectName="detailNumber")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.number.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.status = QLabel(objectName="detailStatus")
        self.priority = PriorityBadge()
        self.title = QLabel(objectName="detailTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 12pt;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.assign_button = QPushButton("Assign…  (Ctrl+Shift+A)", objectName="assignButton")
        self.status_button = QPushButton("Change status…  (Ctrl+Shift+S)", objectName="statusButton")
        # An icon beside the number: a text button was squeezed to "opy numbe" in a narrow pane.
        self.copy_button = QPushButton(icon("copy"), "", objectName="copyButton")
        self.copy_button.setToolTip("Copy the incident number (Ctrl+Shift+C)")
        self.copy_button.setAccessibleName("Copy number")
        self.copy_button.setFlat(True)

        header = QHBoxLayout()
        header.addWidget(self.number)
        header.addWidget(self.priority)
        header.addWidget(self.status)
        header.addStretch(1)
        header.addWidget(self.copy_button)
        actions = QHBoxLayout()
        actions.addWidget(self.assign_button)
        actions.addWidget(self.status_button)
        actions.addStretch(1)
        self.work_bar = WorkBar()

        self.fields: dict[str, QLabel] = {}
        form = self._form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, label in (
            ("reporter", "Reporter"),
            ("contact", "Contact"),
            ("category", "Category"),
            ("impact", "Impact × urgency"),
            ("channel", "Channel"),
            ("occurred", "Occurred"),
            ("reported", "Logged"),
            ("group", "Group"),
            ("assignee", "Assignee"),
            ("hold", "On hold"),
            ("resolution", "Resolution"),
        ):
            value = QLabel(objectName=f"detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(f"{label}:", value)

        self.description = QLabel(objectName="detailDescription")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setStyleSheet("background: #f5f7f8; border: 1px solid #dde3e6; padding: 8px;")
        self.timeline = TimelineView()

        self.note_kind = QComboBox(objectName="noteKind")
        for kind in NOTE_KINDS:
            self.note_kind.addItem(kind.label, kind)
        self.note_text = QPlainTextEdit(objectName="noteText")
        self.note_text.setPlaceholderText("Add a note… (Ctrl+Enter to add)")
        self.note_text.setTabChangesFocus(True)
        self.note_text.setFixedHeight(70)
        self.note_button = QPushButton("Add note", objectName="addNoteButton")
        self.note_error = ErrorBanner()
        composer = QHBoxLayout()
        composer.addWidget(self.note_kind)
        composer.addWidget(self.note_text, 1)
        self.worklog_options = WorklogOptions()
        composer.addWidget(self.note_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(header)
        layout.addWidget(self.title)
        layout.addLayout(actions)
        layout.addWidget(self.work_bar)
        self.sla = SlaPanel()
        layout.addWidget(self.sla)
        layout.addLayout(form)
        layout.addWidget(self._section("Description"))
        layout.addWidget(self.description)
        self.attachments = AttachmentStrip()
        self.attachments.install_paste_shortcut(self)
        layout.addWidget(self.attachments)
        layout.addWidget(self._section("Activity"))
        layout.addWidget(self.timeline, 1)
        layout.addLayout(composer)
        layout.addWidget(self.worklog_options)
        layout.addWidget(self.note_error)
        scroll = self._scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        return scroll

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold; color: #37474f; margin-top: 6px;")
        return label

    def _connect_signals(self) -> None:
        self.assign_button.clicked.connect(self.assign_requested)
        self.status_button.clicked.connect(self.status_change_requested)
        self.copy_button.clicked.connect(self.copy_number)
        self.note_button.clicked.connect(self.submit_note)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self.note_text, activated=self.submit_note)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)

    # --- showing -------------------------------------------------------------------------

    def set_highlight(self, search: SearchQuery | tuple[tuple[str, bool], ...]) -> None:
        """The queue's search (or plain (word, is_prefix) pairs for every field) to mark."""
        self.highlight = FieldWords.of(search)
        if self.detail is not None:
            self._show_highlight(self.detail)

    def _show_highlight(self, detail: IncidentDetail) -> None:
        in_title = set_highlighted(self.title, detail.title, self.highlight.title)
        in_description = set_highlighted(self.description, detail.description, self.highlight.description)
        self.timeline.set_highlight(self.highlight.notes, found_elsewhere=in_title or in_description)
        if self.timeline.matched_keys and not (in_title or in_description):
            # The match is only in the activity: bring it into view once the layout has settled.
            QTimer.singleShot(0, self._show_timeline_whole)

    def _show_timeline_whole(self) -> None:
        browser = self.timeline.browser
        bottom = browser.mapTo(self._scroll.widget(), QPoint(0, browser.height()))
        self._scroll.ensureVisible(0, bottom.y(), 0, 0)
        self.timeline.browser.scrollToAnchor(FIRST_MATCH_ANCHOR)

    def show_incident(self, detail: IncidentDetail | None) -> None:
        keep_draft = self.detail is not None and detail is not None and self.detail.id == detail.id
        self.detail = detail
        self.sla.show_incident(detail.id if detail else None)
        read_only = detail is not None and is_read_only(detail.status)
        self.attachments.show_incident(detail.id if detail else None, read_only)
        self.work_bar.show_incident(detail)
        if detail is None:
            self.stack.setCurrentIndex(0)
            self.incident_shown.emit(None)
            return
        self.stack.setCurrentIndex(1)
        self.number.setText(detail.display_number + ("  · DRILL" if detail.is_drill else ""))
        self.priority.set_priority(detail.priority)
        self.status.setText(detail.status.label)
        colours = STATUS_COLOURS.get(detail.status, ("#eceff1", "#263238"))
        self.status.setStyleSheet(
            f"QLabel {{ background: {colours[0]}; color: {colours[1]}; border-radius: 4px; padding: 3px 8px; }}"
        )
        reporter = detail.reporter_name or "–"
        if detail.reporter and detail.reporter.is_vip:
            reporter = "★ VIP · " + reporter
        contact = " · ".join(p for p in (detail.reporter_email, detail.reporter_phone) if p) or "–"
        if detail.reporter and (detail.reporter.department or detail.reporter.location):
            contact += " · " + " · ".join(p for p in (detail.reporter.department, detail.reporter.location) if p)
        priority_note = f" (override: {detail.priority_override_reason})" if detail.priority_override_reason else ""
        self._set("reporter", reporter)
        self._set("contact", contact)
        self._set("category", detail.category_path or "–")
        levels = f"{IMPACT_LABELS[detail.impact]} × {URGENCY_LABELS[detail.urgency]}"
        self._set("impact", f"{levels} → {detail.priority.value}{priority_note}")
        self._set("channel", detail.channel.label)
        self._set("occurred", when(detail.occurred_at))
        self._set("reported", f"{when(detail.reported_at)} by {detail.created_by_name or 'unknown'}")
        self._set("group", detail.group_name or "–")
        self._set("assignee", detail.assignee_name or "Unassigned")
        self._set("hold", detail.hold_reason.label if detail.hold_reason else "–")
        code = RESOLUTION_CODES.get(detail.resolution_code or "", detail.resolution_code)
        resolution = " · ".join(p for p in (code, detail.resolution_steps) if p)
        self._set("resolution", resolution or "–")
        self.timeline.show_entries(timeline_for(detail), detail.id)
        self._show_highlight(detail)
        read_only = is_read_only(detail.status)
        self.assign_button.setEnabled(not read_only)
        for widget in (self.note_text, self.note_button, self.note_kind):
            widget.setEnabled(not read_only)
        self.note_text.setPlaceholderText(
            "This incident is read-only; reopen it to add notes." if read_only else "Add a note… (Ctrl+Enter to add)"
        )
        if not keep_draft:
            self.note_text.clear()
            self.note_error.clear()
        self.worklog_options.setEnabled(not read_only)
        self.incident_shown.emit(detail)

    def _set(self, key: str, text: str) -> None:
        self.fields[key].setText(text)
        # Rows for sections that rarely apply are hidden rather than shown as "–".
        if key in ("hold", "resolution"):
            self._form.setRowVisible(self.fields[key], text != "–")

    # --- actions -------------------------------------------------------------------------

    def submit_note(self) -> None:
        text = self.note_text.toPlainText()
        if not text.strip() or self.detail is None:
            self.note_error.show_message("Type the note first.")
            return
        self.note_submitted.emit(text, NoteKind(self.note_kind.currentData()))  # Qt returns item data as str

    def note_saved(self) -> None:
        self.note_text.clear()
        self.note_error.clear()
        self.worklog_options.reset()

    def note_failed(self, message: str) -> None:
        self.note_error.show_message(message)

    def focus_note(self) -> None:
        self.note_text.setFocus()

    def copy_number(self) -> None:
        if self.detail is not None:
            QGuiApplication.clipboard().setText(self.detail.display_number)
