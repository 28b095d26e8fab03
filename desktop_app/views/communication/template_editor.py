"""The canned-response editor: a list of templates; name, category scope, subject and text of the chosen
one; the placeholders to insert (double-click) and warnings for names that are not placeholders."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.canned_responses import PLACEHOLDERS, render
from desktop_app.domain.dtos import CategoryNode
from desktop_app.domain.messages import TemplateView
from desktop_app.views.widgets.error_banner import ErrorBanner

# (name, subject, body, category id, template id or None for a new one)
SaveRequest = tuple[str, str, str, uuid.UUID | None, uuid.UUID | None]


class TemplateEditorDialog(QDialog):
    """Edits one template at a time; ``on_save``/``on_delete`` run on the DB worker (the owner's job) and
    the owner hands the new list back with ``set_templates``."""

    def __init__(
        self,
        templates: list[TemplateView],
        categories: list[CategoryNode],
        on_save: Callable[[SaveRequest], None],
        on_delete: Callable[[uuid.UUID], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Canned responses")
        self.resize(860, 560)
        self.on_save, self.on_delete = on_save, on_delete
        self.current: TemplateView | None = None
        self.list = QListWidget(objectName="templateList")
        self.list.setFixedWidth(200)
        self.name = QLineEdit(objectName="templateName")
        self.category = QComboBox(objectName="templateCategory")
        self.category.addItem("Every category", None)
        for node in categories:
            self.category.addItem(node.path, str(node.id))
        self.subject = QLineEdit(objectName="templateSubject")
        self.body = QPlainTextEdit(objectName="templateBody")
        self.body.setTabChangesFocus(True)
        self.placeholders = QListWidget(objectName="templatePlaceholders")
        self.placeholders.setFixedWidth(260)
        for name, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{name}}}")
            item.setToolTip(meaning)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.placeholders.addItem(item)
        self.check = QLabel(objectName="templateCheck")
        self.check.setWordWrap(True)
        self.error = ErrorBanner()
        self.new_button = QPushButton("&New", objectName="templateNew")
        self.delete_button = QPushButton("&Delete", objectName="templateDelete")
        self.save_button = QPushButton("&Save", objectName="templateSave")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self._layout()
        self._connect_signals()
        self.set_templates(templates)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("Offered &for", self.category)
        form.addRow("S&ubject", self.subject)
        form.addRow("&Text", self.body)
        side = QVBoxLayout()
        side.addWidget(QLabel("Placeholders (double-click to insert)"))
        side.addWidget(self.placeholders)
        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        middle.addLayout(left)
        middle.addLayout(form, 1)
        middle.addLayout(side)
        bottom = QHBoxLayout()
        bottom.addWidget(self.check, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.placeholders.itemDoubleClicked.connect(self._insert_placeholder)
        self.subject.textChanged.connect(self._check_text)
        self.body.textChanged.connect(self._check_text)
        self.new_button.clicked.connect(self.start_new)
        self.delete_button.clicked.connect(self._on_delete)
        self.save_button.clicked.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)

    def set_templates(self, templates: list[TemplateView], select: str | None = None) -> None:
        self.templates = templates
        chosen = select or (self.current.name if self.current else None)
        self.list.blockSignals(True)
        self.list.clear()
        for template in templates:
            self.list.addItem(template.name)
        self.list.blockSignals(False)
        names = [t.name for t in templates]
        row = names.index(chosen) if chosen in names else (0 if names else -1)
        self.list.setCurrentRow(row)
        self._on_row_changed(row)

    def _on_row_changed(self, row: int) -> None:
        self.current = self.templates[row] if 0 <= row < len(self.templates) else None
        template = self.current
        self.name.setText(template.name if template else "")
        self.subject.setText(template.subject if template else "")
        self.subject.setCursorPosition(0)
        self.body.setPlainText(template.body if template else "")
        index = self.category.findData(str(template.category_id)) if template and template.category_id else 0
        self.category.setCurrentIndex(max(index, 0))
        self.delete_button.setEnabled(template is not None)
        self.error.clear()

    def start_new(self) -> None:
        self.list.clearSelection()
        self.current = None
        self.name.clear()
        self.subject.setText("{incident.number}: ")
        self.body.setPlainText("Hello {reporter.first_name},\n\n\n\nKind regards,\n{agent.name}")
        self.category.setCurrentIndex(0)
        self.name.setFocus()

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        self.body.insertPlainText("{" + str(item.data(Qt.ItemDataRole.UserRole)) + "}")
        self.body.setFocus()

    def _check_text(self) -> None:
        # Rendered with no values: every known placeholder is "missing" (fine here), unknown ones are typos.
        result = render(self.subject.text() + "\n" + self.body.toPlainText(), {})
        problems = [w for w in result.warnings if not w.startswith("No value for")]
        used = len(result.missing)
        self.check.setText(
            "<br>".join(problems) if problems else f"{used} placeholder{'s' if used != 1 else ''}, all known."
        )
        self.check.setStyleSheet("color: #b71c1c;" if problems else "color: #1b5e20;")

    def _on_save(self) -> None:
        if not self.name.text().strip() or not self.subject.text().strip() or not self.body.toPlainText().strip():
            self.error.show_message("A template needs a name, a subject and some text.")
            return
        category = self.category.currentData()
        self.on_save(
            (
                self.name.text(),
                self.subject.text(),
                self.body.toPlainText(),
                uuid.UUID(str(category)) if category else None,
                self.current.id if self.current else None,
            )
        )

    def _on_delete(self) -> None:
        if self.current is not None:
            self.on_delete(self.current.id)
