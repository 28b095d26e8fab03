"""The annotation editor shown before a screenshot or pasted image is saved.

Tools: rectangle, arrow, text, highlighter, crop, and redaction as a solid box or pixelation.
Every change pushes a new immutable ``EditorState``; undo and redo move between them. The image
handed back by ``result_image()`` has the redactions burned in; the original stays in memory only.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QImage, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.views.attachments.annotations import Annotation, EditorState, Tool, draw_mark, render

TOOLS: tuple[tuple[Tool, str, str, str], ...] = (
    (Tool.RECTANGLE, "Rectangle", "R", "Draw a box around something"),
    (Tool.ARROW, "Arrow", "A", "Point at something"),
    (Tool.TEXT, "Text", "T", "Click where the text goes, then type it"),
    (Tool.HIGHLIGHT, "Highlight", "H", "Mark an area with a yellow highlighter"),
    (Tool.CROP, "Crop", "C", "Keep only the area you drag"),
    (Tool.REDACT_BOX, "Redact", "B", "Black out passwords or personal data (burned into the image)"),
    (Tool.PIXELATE, "Pixelate", "P", "Pixelate personal data (burned in); for passwords a solid Redact box is safer"),
)


class AnnotationCanvas(QWidget):
    """Shows the image scaled to fit, with the marks, and turns drags into annotations."""

    annotation_made = Signal(object)  # Annotation
    text_wanted = Signal(QPoint)  # image coordinates where the text goes

    def __init__(self, base: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationCanvas")
        self.base = base
        self.state = EditorState()
        self.tool = Tool.RECTANGLE
        self._rendered = render(base, self.state, cropped=False)
        self._drag_start: QPoint | None = None
        self._drag_now: QPoint | None = None
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def sizeHint(self) -> QSize:
        return self.base.size().boundedTo(QSize(1100, 700))

    def set_state(self, state: EditorState) -> None:
        self.state = state
        self._rendered = render(self.base, state, cropped=False)
        self.update()

    # --- geometry: widget <-> image ---------------------------------------------------------

    def image_rect(self) -> QRect:
        """Where the image is drawn: scaled to fit, never enlarged, centred."""
        size = self.base.size()
        if size.width() > self.width() or size.height() > self.height():
            size = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(QPoint(x, y), size)

    def to_image(self, point: QPointF | QPoint) -> QPoint:
        target = self.image_rect()
        scale = self.base.width() / max(1, target.width())
        x = round((point.x() - target.x()) * scale)
        y = round((point.y() - target.y()) * scale)
        return QPoint(min(max(x, 0), self.base.width()), min(max(y, 0), self.base.height()))

    # --- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#37474f"))
        target = self.image_rect()
        painter.drawImage(target, self._rendered)
        scale = target.width() / max(1, self.base.width())
        painter.translate(target.topLeft())
        painter.scale(scale, scale)
        if self.state.crop is not None:
            outside = QColor(0, 0, 0, 140)
            full = self.base.rect()
            crop = self.state.crop
            for band in (
                QRect(0, 0, full.width(), crop.top()),
                QRect(0, crop.bottom() + 1, full.width(), full.height() - crop.bottom() - 1),
                QRect(0, crop.top(), crop.left(), crop.height()),
                QRect(crop.right() + 1, crop.top(), full.width() - crop.right() - 1, crop.height()),
            ):
                painter.fillRect(band, outside)
            painter.setPen(QPen(QColor("white"), 1 / scale, Qt.PenStyle.DashLine))
            painter.drawRect(crop)
        if self._drag_start is not None and self._drag_now is not None:
            start, end = self._drag_start, self._drag_now
            draw_mark(painter, Annotation(self.tool, (start.x(), start.y()), (end.x(), end.y())), 1 / scale)

    # --- mouse ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.to_image(event.position())
        if self.tool == Tool.TEXT:
            self.text_wanted.emit(point)
            return
        self._drag_start = self._drag_now = point

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_start is not None:
            self._drag_now = self.to_image(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_start is None or event.button() != Qt.MouseButton.LeftButton:
            return
        start, end = self._drag_start, self.to_image(event.position())
        self._drag_start = self._drag_now = None
        self.update()
        if abs(end.x() - start.x()) < 3 and abs(end.y() - start.y()) < 3:
            return  # a click, not a drag
        self.annotation_made.emit(Annotation(self.tool, (start.x(), start.y()), (end.x(), end.y())))


class AnnotationEditor(QDialog):
    """Mark up an image, then Save (Ctrl+S or Ctrl+Enter) or Cancel (Esc)."""

    def __init__(self, image: QImage, display_name: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationEditor")
        self.setWindowTitle("Annotate before attaching")
        self._undo: list[EditorState] = []
        self._redo: list[EditorState] = []
        self.canvas = AnnotationCanvas(image)
        self.canvas.annotation_made.connect(self.add_annotation)
        self.canvas.text_wanted.connect(self._ask_text)
        self.name = QLineEdit(display_name or default_screenshot_name(), objectName="annotationName")
        self.caption = QLineEdit(objectName="annotationCaption")
        self.caption.setPlaceholderText("Optional: what the picture shows")
        self.size_label = QLabel(objectName="annotationSize")
        self.tool_actions: dict[Tool, QAction] = {}
        toolbar = self._build_toolbar()
        form = QFormLayout()
        form.addRow("File name:", self.name)
        form.addRow("Caption:", self.caption)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Attach")
        save.setToolTip("Attach the image as shown (Ctrl+S or Ctrl+Enter)")
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(keys))
            shortcut.triggered.connect(self.accept)
            self.addAction(shortcut)
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.size_label)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.select_tool(Tool.RECTANGLE)
        self._update_state_widgets()

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar(objectName="annotationTools")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self)
        for tool, label, key, tip in TOOLS:
            action = QAction(f"{label} ({key})", self, checkable=True)
            action.setObjectName(f"tool_{tool.value}")
            action.setShortcut(QKeySequence(key))
            action.setStatusTip(tip)
            action.setToolTip(tip)
            action.triggered.connect(lambda _checked=False, chosen=tool: self.select_tool(chosen))
            group.addAction(action)
            toolbar.addAction(action)
            self.tool_actions[tool] = action
        toolbar.addSeparator()
        self.undo_action = QAction("Undo", self, objectName="annotationUndo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("Redo", self, objectName="annotationRedo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.redo)
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        return toolbar

    # --- editing ------------------------------------------------------------------------------

    @property
    def state(self) -> EditorState:
        return self.canvas.state

    def select_tool(self, tool: Tool) -> None:
        self.canvas.tool = tool
        self.tool_actions[tool].setChecked(True)

    def add_annotation(self, annotation: Annotation) -> None:
        self._push(self.state.adding(annotation))

    def undo(self) -> None:
        if self._undo:
            self._redo.append(self.state)
            self.canvas.set_state(self._undo.pop())
            self._update_state_widgets()

    def redo(self) -> None:
        if self._redo:
            self._undo.append(self.state)
            self.canvas.set_state(self._redo.pop())
            self._update_state_widgets()

    def _push(self, state: EditorState) -> None:
        self._undo.append(self.state)
        self._redo.clear()
        self.canvas.set_state(state)
        self._update_state_widgets()

    def _ask_text(self, at: QPoint) -> None:
        text, ok = QInputDialog.getText(self, "Text", "Text to put on the image:")
        if ok and text.strip():
            self.add_annotation(Annotation(Tool.TEXT, (at.x(), at.y()), (at.x(), at.y()), text.strip()))

    def _update_state_widgets(self) -> None:
        self.undo_action.setEnabled(bool(self._undo))
        self.redo_action.setEnabled(bool(self._redo))
        crop = self.state.crop or self.canvas.base.rect()
        redactions = sum(1 for a in self.state.annotations if a.tool.is_redaction)
        note = f" · {redactions} redaction{'s' if redactions != 1 else ''} burned in" if redactions else ""
        self.size_label.setText(f"{crop.width()} × {crop.height()} pixels{note}")

    # --- result ---------------------------------------------------------------------------------

    def result_image(self) -> QImage:
        return render(self.canvas.base, self.state)

    def display_name(self) -> str:
        return self.name.text().strip()

    def caption_text(self) -> str | None:
        return self.caption.text().strip() or None


def default_screenshot_name(now: datetime | None = None) -> str:
    return f"Screenshot {(now or datetime.now()).strftime('%Y-%m-%d %H.%M.%S')}.png"
