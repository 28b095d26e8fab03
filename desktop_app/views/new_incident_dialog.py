"""Logging a phone report, keyboard only: reporter → description → title → category → impact → urgency.

Enter accepts a suggestion and moves on; Ctrl+Enter saves from anywhere; Esc cancels (asking
when something was typed). After saving, the number is shown large, ready to read back.
"""

from __future__ import annotations

from datetime import UTC
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.category_search import search_categories
from desktop_app.domain.dtos import CategoryNode, IncidentDetail, IncidentDraft, ReporterDraft, ReporterSummary, Result
from desktop_app.domain.enums import IMPACT_LABELS, URGENCY_LABELS, Channel
from desktop_app.domain.errors import HelpdeskError
from desktop_app.views.attachments.attachment_strip import AttachmentStrip
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.tasks import TaskRunner
from desktop_app.views.widgets.error_banner import ErrorBanner
from desktop_app.views.widgets.priority_badge import PriorityBadge
from desktop_app.views.widgets.type_ahead import Suggestion, TypeAheadLineEdit
from desktop_app.views.work.similar_hints import SimilarHints

if TYPE_CHECKING:
    from desktop_app.context import AppContext

NEW_REPORTER = "__new_reporter__"


def level_combo(labels: dict[int, str], default: int) -> QComboBox:
    """Items start with their digit, so typing 1, 2 or 3 picks one (QComboBox keyboard search)."""
    combo = QComboBox()
    for level, label in labels.items():
        combo.addItem(f"{level} – {label}", level)
    combo.setCurrentIndex(combo.findData(default))
    return combo


class NewReporterPanel(QWidget):
    """Contact details for a caller not yet in the directory; the name is the reporter field's text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.email = QLineEdit(objectName="newReporterEmail", placeholderText="name@example.com")
        self.phone = QLineEdit(objectName="newReporterPhone", placeholderText="+44 20 7946 0000")
        self.department = QLineEdit(objectName="newReporterDepartment")
        self.location = QLineEdit(objectName="newReporterLocation")
        form = QFormLayout(self)
        form.setContentsMargins(16, 0, 0, 0)
        form.addRow("E-mail", self.email)
        form.addRow("Phone", self.phone)
        form.addRow("Department", self.department)
        form.addRow("Location", self.location)

    def draft(self, name: str) -> ReporterDraft:
        return ReporterDraft(
            name=name,
            email=self.email.text() or None,
            phone=self.phone.text() or None,
            department=self.department.text() or None,
            location=self.location.text() or None,
        )

    def fields(self) -> list[QWidget]:
        return [self.email, self.phone, self.department, self.location]


class NewIncidentDialog(QDialog):
    incident_created = Signal(object)  # IncidentDetail
    log_another_requested = Signal()

    def __init__(self, context: AppContext, runner: TaskRunner, bus: ChangeBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New incident")
        self.setObjectName("newIncidentDialog")
        self.setMinimumWidth(640)
        self._context = context
        self._runner = runner
        self._bus = bus
        self._reporter: ReporterSummary | None = None
        self._category: CategoryNode | None = None
        self._categories: list[CategoryNode] = []
        self._saving = False
        self.created: IncidentDetail | None = None
        self._build()
        self._connect_signals()
        self._runner.run_db(self._context.categories.tree, on_done=self._on_categories_loaded)
        self._update_priority()

    # --- construction --------------------------------------------------------------------

    def _build(self) -> None:
        self.reporter = TypeAheadLineEdit(objectName="reporterField")
        self.reporter.setPlaceholderText("Caller: type part of a name, e-mail or phone number")
        self.reporter_info = QLabel(objectName="reporterInfo")
        self.reporter_info.setStyleSheet("color: #455a64;")
        self.new_reporter = NewReporterPanel()
        self.new_reporter.hide()
        self.description = QPlainTextEdit(objectName="descriptionField")
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("What the caller reports, in their words")
        self.description.setFixedHeight(110)
        self.title_field = QLineEdit(objectName="titleField")
        self.title_field.setPlaceholderText("Short summary (optional: taken from the description's first line)")
        self.category = TypeAheadLineEdit(objectName="categoryField", debounce_ms=0)
        self.category.setPlaceholderText("Type to find a category, e.g. conn → Network > Connectivity")
        self.impact = level_combo(IMPACT_LABELS, 3)
        self.impact.setObjectName("impactField")
        self.urgency = level_combo(URGENCY_LABELS, 3)
        self.urgency.setObjectName("urgencyField")
        self.priority = PriorityBadge()
        self.channel = QComboBox(objectName="channelField")
        for channel in Channel:
            self.channel.addItem(channel.label, channel)
        self.channel.setCurrentIndex(self.channel.findData(Channel(self._context.settings.default_channel)))
        # "Now" comes from the services' clock, so the form and the rules agree on it.
        now = QDateTime(self._context.clock().astimezone())
        self.occurred = QDateTimeEdit(now, objectName="occurredField")
        self.occurred.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.occurred.setCalendarPopup(True)
        self.drill = QCheckBox("Drill (kept out of the metrics)", objectName="drillField")
        self.error = ErrorBanner()

        levels = QHBoxLayout()
        levels.addWidget(QLabel("Impact"))
        levels.addWidget(self.impact, 1)
        levels.addWidget(QLabel("Urgency"))
        levels.addWidget(self.urgency, 1)
        levels.addWidget(self.priority)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Reporter", self.reporter)
        form.addRow("", self.reporter_info)
        form.addRow("", self.new_reporter)
        form.addRow("&Description", self.description)
        self.similar_hints = SimilarHints(self._context, self._runner)
        form.addRow("", self.similar_hints)
        form.addRow("&Title", self.title_field)
        form.addRow("&Category", self.category)
        form.addRow("", levels)
        form.addRow("C&hannel", self.channel)
        form.addRow("&Occurred at", self.occurred)
        form.addRow("", self.drill)
        self.attachments = AttachmentStrip(pending=True)
        self.attachments.bind(self._context.attachments, self._runner, self._bus)
        self.attachments.message.connect(lambda text: self.error.show_message(text))
        self.attachments.install_paste_shortcut(self)
        form.addRow("Attachments", self.attachments)

        self.save_button = QPushButton("Save  (Ctrl+Enter)", objectName="saveButton")
        self.save_button.setAutoDefault(False)
        self.cancel_button = QPushButton("Cancel  (Esc)")
        self.cancel_button.setAutoDefault(False)
        hint = QLabel("Enter picks a suggestion · Tab moves on · 1/2/3 set impact and urgency")
        hint.setStyleSheet("color: #607d8b;")
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form_layout.addLayout(form)
        form_layout.addWidget(self.error)
        form_layout.addLayout(buttons)

        self.pages = QStackedWidget()
        self.pages.addWidget(form_page)
        self.pages.addWidget(self._build_done_page())
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)

        order: list[QWidget] = [self.reporter, *self.new_reporter.fields(), self.description, self.title_field]
        order += [self.category, self.impact, self.urgency, self.channel, self.occurred, self.drill]
        order += [self.cancel_button, self.save_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self.reporter.setFocus()

    def _build_done_page(self) -> QWidget:
        page = QWidget()
        self.done_heading = QLabel("Incident logged")
        self.done_heading.setStyleSheet("font-size: 14pt; color: #2e7d32;")
        self.done_number = QLabel(objectName="createdNumber")
        self.done_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_number.setStyleSheet("font-size: 28pt; font-weight: bold; letter-spacing: 1px;")
        self.done_summary = QLabel(objectName="createdSummary")
        self.done_summary.setWordWrap(True)
        self.copy_button = QPushButton("&Copy number", objectName="copyNumberButton")
        self.copy_button.setDefault(True)
        self.another_button = QPushButton("Log &another  (Ctrl+N)")
        self.close_button = QPushButton("Close  (Esc)")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.another_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_heading)
        layout.addWidget(self.done_number)
        layout.addWidget(self.done_summary)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _connect_signals(self) -> None:
        self.reporter.query_changed.connect(self._on_reporter_query_changed)
        self.reporter.suggestion_accepted.connect(self._on_reporter_suggestion_accepted)
        self.reporter.selection_cleared.connect(self._on_reporter_selection_cleared)
        self.category.query_changed.connect(self._on_category_query_changed)
        self.category.suggestion_accepted.connect(self._on_category_suggestion_accepted)
        self.category.selection_cleared.connect(lambda: setattr(self, "_category", None))
        self.similar_hints.watch(self)
        self.impact.currentIndexChanged.connect(self._update_priority)
        self.urgency.currentIndexChanged.connect(self._update_priority)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_number)
        self.close_button.clicked.connect(self.accept)
        self.another_button.clicked.connect(self._on_another_clicked)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._on_save_shortcut)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self._on_another_shortcut)

    # --- reporter ------------------------------------------------------------------------

    def _on_reporter_query_changed(self, query: str) -> None:
        if not query.strip():
            self.reporter.set_suggestions([], for_query=query)
            return
        self._runner.run_db(
            self._context.reporters.search,
            query,
            on_done=lambda found: self._show_reporters(query, found),
            on_error=self._show_error,
        )

    def _show_reporters(self, query: str, found: list[ReporterSummary]) -> None:
        suggestions = [Suggestion(r, ("★ " if r.is_vip else "") + r.name, r.contact_line, fill=r.name) for r in found]
        suggestions.append(Suggestion(NEW_REPORTER, f"+ New reporter “{query.strip()}”…", "", fill=query.strip()))
        self.reporter.set_suggestions(suggestions, for_query=query)

    def _on_reporter_suggestion_accepted(self, suggestion: Suggestion) -> None:
        if suggestion.key == NEW_REPORTER:
            self._reporter = None
            self.new_reporter.show()
            self.reporter_info.setText("New reporter: add what contact details the caller gives.")
            return
        self._reporter = suggestion.key
        self.new_reporter.hide()
        info = self._reporter.contact_line or "No contact details on file"
        self.reporter_info.setText(("VIP · " if self._reporter.is_vip else "") + info)

    def _on_reporter_selection_cleared(self) -> None:
        self._reporter = None
        self.new_reporter.hide()
        self.reporter_info.setText("")

    # --- category and priority -----------------------------------------------------------

    def _on_categories_loaded(self, nodes: list[CategoryNode]) -> None:
        self._categories = nodes

    def _on_category_query_changed(self, query: str) -> None:
        found = search_categories(self._categories, query) if query.strip() else []
        self.category.set_suggestions([Suggestion(n, n.path) for n in found], for_query=query)

    def _on_category_suggestion_accepted(self, suggestion: Suggestion) -> None:
        self._category = suggestion.key

    def _update_priority(self) -> None:
        priority = self._context.incidents.priority_for(self.impact.currentData(), self.urgency.currentData())
        self.priority.set_priority(priority)

    # --- saving --------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        texts = [self.reporter.text(), self.description.toPlainText(), self.title_field.text(), self.category.text()]
        return any(t.strip() for t in texts)

    def draft(self) -> IncidentDraft:
        if self._reporter is None and not self.new_reporter.isVisible():
            raise HelpdeskError(
                "Pick the caller from the suggestions, or choose “New reporter” to add them.", field="reporter"
            )
        if self.category.text().strip() and self._category is None:
            raise HelpdeskError("Pick a category from the suggestions (Enter takes the first).", field="category")
        occurred = self.occurred.dateTime().toPython().astimezone(UTC)
        return IncidentDraft(
            description=self.description.toPlainText(),
            title=self.title_field.text() or None,
            reporter_id=self._reporter.id if self._reporter else None,
            new_reporter=self.new_reporter.draft(self.reporter.text()) if self._reporter is None else None,
            category_id=self._category.id if self._category else None,
            impact=self.impact.currentData(),
            urgency=self.urgency.currentData(),
            channel=Channel(self.channel.currentData()),  # Qt hands item data back as plain str
            # A time edited to the minute must not count as in the future against a clock with seconds.
            occurred_at=min(occurred, self._context.clock()),
            is_drill=self.drill.isChecked(),
        )

    def save(self) -> None:
        if self._saving or self.pages.currentIndex() != 0:
            return
        try:
            draft = self.draft()
        except HelpdeskError as exc:
            self._show_error(exc)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.error.clear()
        self._runner.run_db(
            self._context.incidents.create, draft, on_done=self._on_saved, on_error=self._on_save_failed
        )

    def _on_saved(self, result: Result[IncidentDetail]) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        detail = result.value
        self.created = detail
        self._bus.publish(result.changes)
        self.attachments.commit_pending(detail.id)
        self.done_number.setText(detail.display_number)
        reporter = detail.reporter_name or "no reporter"
        self.done_summary.setText(
            f"{detail.title}\n{detail.priority.label} · {detail.category_path or 'no category'} · {reporter}\n"
            "Read the number back to the caller."
        )
        self.pages.setCurrentIndex(1)
        self.copy_button.setFocus()
        self.incident_created.emit(detail)

    def _on_save_failed(self, exc: Exception) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._show_error(exc)

    def _show_error(self, exc: Exception) -> None:
        if not isinstance(exc, HelpdeskError):
            self.error.show_message(f"Something went wrong and nothing was saved: {exc}")
            return
        self.error.show_message(exc.message)
        target = self._field_widget(exc.field)
        if target is not None:
            target.setFocus()

    def _field_widget(self, field: str | None) -> QWidget | None:
        mapping: dict[str, QWidget] = {
            "reporter": self.reporter,
            "reporter_name": self.reporter,
            "reporter_email": self.new_reporter.email,
            "reporter_phone": self.new_reporter.phone,
            "department": self.new_reporter.department,
            "location": self.new_reporter.location,
            "description": self.description,
            "title": self.title_field,
            "category": self.category,
            "impact": self.impact,
            "urgency": self.urgency,
            "occurred_at": self.occurred,
        }
        return mapping.get(field or "")

    # --- after saving --------------------------------------------------------------------

    def copy_number(self) -> None:
        if self.created is not None:
            QGuiApplication.clipboard().setText(self.created.display_number)
            self.done_heading.setText(f"Incident logged · {self.created.display_number} copied")

    def _on_save_shortcut(self) -> None:
        if self.pages.currentIndex() == 0:
            self.save()

    def _on_another_shortcut(self) -> None:
        if self.pages.currentIndex() == 1:
            self._on_another_clicked()

    def _on_another_clicked(self) -> None:
        self.accept()
        self.log_another_requested.emit()

    def reject(self) -> None:
        if self.pages.currentIndex() == 0 and self.is_dirty():
            answer = QMessageBox.question(
                self,
                "Discard this incident?",
                "You have typed details for this incident. Discard them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
